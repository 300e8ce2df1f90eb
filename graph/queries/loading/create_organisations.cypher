// One batch of `organisations` rows: create the organisations whose key is not stored yet; skip the others (upsert_organisations writes them).
// Return how many it created.
UNWIND $rows AS row
OPTIONAL MATCH (old:Organisation {key: row.key})
WITH row, old WHERE old IS NULL
CREATE (organisation:Organisation {key: row.key})
SET organisation += row.defaults
SET organisation += row.props
RETURN count(*) AS count
