MATCH (user:User)-[:HAS_KEY]->(api_key:ApiKey {hash: $hash})
WHERE api_key.revoked_on IS NULL
RETURN user.key AS key, user.name AS name, user.role AS role
