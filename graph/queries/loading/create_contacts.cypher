// One batch of `contacts` rows: create the contacts whose key is not stored yet; skip the others (upsert_contacts writes them).
// Return how many it created.
UNWIND $rows AS row
OPTIONAL MATCH (old:Contact {key: row.key})
WITH row, old WHERE old IS NULL
CREATE (contact:Contact {key: row.key})
SET contact += row.defaults
SET contact += row.props
RETURN count(*) AS count
