// The territory with the key $key: one row with its key and name, none when no territory has the key.
MATCH (territory:Territory {key: $key})
RETURN territory.key AS key, territory.name AS name
