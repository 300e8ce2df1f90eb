// One batch of `contacts` rows: upsert each contact by its key; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new contact gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:Contact {key: row.key})
WITH row, old IS NULL AS created, properties(old) AS before
MERGE (contact:Contact {key: row.key})
  ON CREATE SET contact += row.defaults
SET contact += row.props
FOREACH (clear IN row.clears | SET contact += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(contact) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
