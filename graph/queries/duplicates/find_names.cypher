// The name of each organisation in $keys.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN key, organisation.name AS name
