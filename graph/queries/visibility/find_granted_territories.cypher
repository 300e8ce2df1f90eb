// The territories the user $user holds on $as_of: those they, or a user they substitute for that day, are
// ASSIGNED_TO that day, and every territory below those (PARENT_OF between territories, no dates). Dates inclusive,
// an empty one open. One row with the keys, in one list (empty for an unknown user).
OPTIONAL MATCH (user:User {key: $user})
OPTIONAL MATCH (user)-[cover:SUBSTITUTES]->(absent:User)
  WHERE (cover.valid_from IS NULL OR cover.valid_from <= $as_of)
    AND (cover.valid_to IS NULL OR $as_of <= cover.valid_to)
WITH user.key AS user_key, collect(DISTINCT absent.key) AS absent_keys
UNWIND [key IN absent_keys + [user_key] WHERE key IS NOT NULL] AS viewer_key
OPTIONAL MATCH (:User {key: viewer_key})-[assignment:ASSIGNED_TO]->(granted:Territory)
  WHERE (assignment.valid_from IS NULL OR assignment.valid_from <= $as_of)
    AND (assignment.valid_to IS NULL OR $as_of <= assignment.valid_to)
OPTIONAL MATCH (granted)-[:PARENT_OF*0..]->(territory:Territory)
RETURN collect(DISTINCT territory.key) AS keys
