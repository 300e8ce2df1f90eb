// Every ASSIGNED_TO link of the users with the given keys ($keys, one page) to a territory.
UNWIND $keys AS key
MATCH (user:User {key: key})
MATCH (user)-[link:ASSIGNED_TO]->(territory:Territory)
RETURN user.key AS user_key, territory.key AS territory_key, properties(link) AS props
