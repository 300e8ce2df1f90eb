// Which organisations in $keys the user $user sees on $as_of: one row per visible key.
// The user sees what the territories they are assigned to hold, and so do the users they substitute for that day
// (SUBSTITUTES, not followed further); an assignment holds its territory and every territory below it
// (PARENT_OF between territories, no dates). A territory holds the organisations ASSIGNED_TO it and, with $inherit,
// every PARENT_OF descendant of those on $as_of. Dates are inclusive, an empty one open.
// The way up from an organisation is a variable-length path filtered link by link: compared with a plain-Python
// reference on random graphs with history (tests/visibility), as FalkorDB has mishandled variable-length patterns.
MATCH (user:User {key: $user})
OPTIONAL MATCH (user)-[cover:SUBSTITUTES]->(absent:User)
  WHERE (cover.valid_from IS NULL OR cover.valid_from <= $as_of)
    AND (cover.valid_to IS NULL OR $as_of <= cover.valid_to)
WITH user.key AS user_key, collect(DISTINCT absent.key) AS absent_keys
UNWIND absent_keys + [user_key] AS viewer_key
MATCH (:User {key: viewer_key})-[assignment:ASSIGNED_TO]->(granted:Territory)
  WHERE (assignment.valid_from IS NULL OR assignment.valid_from <= $as_of)
    AND (assignment.valid_to IS NULL OR $as_of <= assignment.valid_to)
MATCH (granted)-[:PARENT_OF*0..]->(territory:Territory)
WITH collect(DISTINCT territory.key) AS territory_keys
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
// Each WITH below keeps FalkorDB climbing from the organisation asked about: joined in one pattern with the
// territories it started from every assigned organisation and walked all of their subtrees for every key.
WITH territory_keys, key, organisation
MATCH path = (holder:Organisation)-[:PARENT_OF*0..]->(organisation)
  WHERE ($inherit OR length(path) = 0)
    AND all(link IN relationships(path)
            WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
              AND (link.valid_to IS NULL OR $as_of <= link.valid_to))
WITH territory_keys, key, holder
MATCH (holder)-[:ASSIGNED_TO]->(held:Territory)
  WHERE held.key IN territory_keys
RETURN DISTINCT key
