// For each organisation in $keys that has a member on $as_of (a MEMBER_OF link valid that day, valid_from and
// valid_to inclusive, either empty = open): its key and the keys of its members. No row for any other key.
UNWIND $keys AS key
MATCH (:Organisation {key: key})<-[link:MEMBER_OF]-(member:Organisation)
WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
  AND (link.valid_to IS NULL OR $as_of <= link.valid_to)
RETURN key, collect(member.key) AS keys
