// One batch of `substitutes` rows: upsert the SUBSTITUTES link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (user:User {key: row.user_key})
MATCH (covered:User {key: row.substitutes_for})
OPTIONAL MATCH (user)-[old:SUBSTITUTES]->(covered)
WITH row, user, covered, old IS NULL AS created, properties(old) AS before
MERGE (user)-[link:SUBSTITUTES]->(covered)
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
