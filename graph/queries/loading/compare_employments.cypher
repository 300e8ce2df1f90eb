// Compare one batch of `employments` rows with the stored WORKS_AT links, changing nothing: return how many rows
// would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_employments does; a row whose end is not stored (yet) would be created.
UNWIND $rows AS row
OPTIONAL MATCH (contact:Contact {key: row.contact_key})
OPTIONAL MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (contact)-[old:WORKS_AT]->(organisation)
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN all(name IN keys(row.props) WHERE coalesce(old[name] = row.props[name], old[name] IS NULL AND row.props[name] IS NULL))
         AND all(clear IN row.clears WHERE all(name IN keys(clear) WHERE old[name] IS NULL))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
WITH status, collect(row.i) AS lines
RETURN status, size(lines) AS count, CASE status WHEN 'unchanged' THEN [] ELSE lines END AS rows
