// The contacts with the given keys ($keys, one page), with their properties.
UNWIND $keys AS key
MATCH (contact:Contact {key: key})
RETURN properties(contact) AS props
