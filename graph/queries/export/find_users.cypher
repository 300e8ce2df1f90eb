// The users with the given keys ($keys, one page), with their properties.
UNWIND $keys AS key
MATCH (user:User {key: key})
RETURN properties(user) AS props
