MATCH (user:User {key: $user_key})
CREATE (user)-[:HAS_KEY]->(api_key:ApiKey {hash: $hash, prefix: $prefix, created_at: $created_at})
RETURN api_key.prefix AS prefix
