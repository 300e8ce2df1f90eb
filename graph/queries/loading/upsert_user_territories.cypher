// One batch of `user_territories` rows: upsert the ASSIGNED_TO link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (user:User {key: row.user_key})
MATCH (territory:Territory {key: row.territory_key})
OPTIONAL MATCH (user)-[old:ASSIGNED_TO]->(territory)
WITH row, user, territory, old IS NULL AS created, properties(old) AS before
MERGE (user)-[link:ASSIGNED_TO]->(territory)
  ON CREATE SET link += row.defaults
SET link += row.props
FOREACH (clear IN row.clears | SET link += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(link) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
