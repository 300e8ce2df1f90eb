// Every SUBSTITUTES link of the users with the given keys ($keys, one page): whom each covers for.
UNWIND $keys AS key
MATCH (user:User {key: key})
MATCH (user)-[link:SUBSTITUTES]->(covered:User)
RETURN user.key AS user_key, covered.key AS substitutes_for, properties(link) AS props
