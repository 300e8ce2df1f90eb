// Return those of the given keys that belong to a stored user.
UNWIND $keys AS key
MATCH (user:User {key: key})
RETURN user.key AS key
