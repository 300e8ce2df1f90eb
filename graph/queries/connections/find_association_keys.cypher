// For each organisation in $keys that is a MEMBER_OF an association or chain on $as_of (valid_from and valid_to
// inclusive, either empty = open): its key and the keys of those associations. No row for any other key.
UNWIND $keys AS key
MATCH (:Organisation {key: key})-[link:MEMBER_OF]->(association:Organisation)
WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
  AND (link.valid_to IS NULL OR $as_of <= link.valid_to)
RETURN key, collect(association.key) AS keys
