// Return those of the given keys that belong to a stored contact.
UNWIND $keys AS key
MATCH (contact:Contact {key: key})
RETURN contact.key AS key
