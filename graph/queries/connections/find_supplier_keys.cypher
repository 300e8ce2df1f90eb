// For each organisation in $keys that another SUPPLIES on $as_of (since and until inclusive, either empty = open):
// its key and the keys of its suppliers. No row for any other key.
UNWIND $keys AS key
MATCH (:Organisation {key: key})<-[link:SUPPLIES]-(supplier:Organisation)
WHERE (link.since IS NULL OR link.since <= $as_of)
  AND (link.until IS NULL OR $as_of <= link.until)
RETURN key, collect(supplier.key) AS keys
