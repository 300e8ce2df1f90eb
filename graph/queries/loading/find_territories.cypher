// Return those of the given keys that belong to a stored territory.
UNWIND $keys AS key
MATCH (territory:Territory {key: key})
RETURN territory.key AS key
