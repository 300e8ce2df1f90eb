// Compare one batch of `relationship_types` rows with the stored relationship types, changing nothing: return how many rows
// would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_relationship_types does.
UNWIND $rows AS row
OPTIONAL MATCH (old:RelationshipType {type: row.key})
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
