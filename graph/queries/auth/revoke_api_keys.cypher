MATCH (user:User {key: $user_key})
OPTIONAL MATCH (user)-[:HAS_KEY]->(api_key:ApiKey)
WHERE api_key.revoked_on IS NULL
SET api_key.revoked_on = $today
RETURN user.key AS user_key, count(api_key) AS revoked
