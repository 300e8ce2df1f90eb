// One batch of `organisations` rows: upsert each organisation by its key; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new organisation gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:Organisation {key: row.key})
WITH row, old IS NULL AS created, properties(old) AS before
MERGE (organisation:Organisation {key: row.key})
  ON CREATE SET organisation += row.defaults
SET organisation += row.props
FOREACH (clear IN row.clears | SET organisation += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(organisation) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
