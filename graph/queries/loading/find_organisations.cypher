// Return those of the given keys that belong to a stored organisation.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN organisation.key AS key
