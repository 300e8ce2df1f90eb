// One batch of `users` rows: upsert each user by its key; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new user gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:User {key: row.key})
WITH row, old IS NULL AS created, properties(old) AS before
MERGE (user:User {key: row.key})
  ON CREATE SET user += row.defaults
SET user += row.props
FOREACH (clear IN row.clears | SET user += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(user) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
