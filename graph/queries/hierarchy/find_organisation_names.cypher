// The key, name and country of each organisation in $keys; no row for a key no organisation has.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN key, organisation.name AS name, organisation.country AS country
