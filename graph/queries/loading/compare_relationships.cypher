// Compare one batch of `relationships` rows with the stored RELATED_TO links, changing nothing: return how many rows
// would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_relationships does; a row whose end is not stored (yet) would be created.
UNWIND $rows AS row
OPTIONAL MATCH (from_organisation:Organisation {key: row.from_key})
OPTIONAL MATCH (from_contact:Contact {key: row.from_key})
OPTIONAL MATCH (to_organisation:Organisation {key: row.to_key})
OPTIONAL MATCH (to_contact:Contact {key: row.to_key})
WITH row, coalesce(from_organisation, from_contact) AS source, coalesce(to_organisation, to_contact) AS target
OPTIONAL MATCH (source)-[old:RELATED_TO {type: row.props.type}]->(target)
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
