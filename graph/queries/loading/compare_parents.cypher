// Compare one batch of `parents` rows with the stored PARENT_OF periods, changing nothing: return how many rows
// would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_parents does; a row whose end is not stored (yet) would be created.
UNWIND $rows AS row
OPTIONAL MATCH (parent:Organisation {key: row.parent_key})
OPTIONAL MATCH (child:Organisation {key: row.child_key})
OPTIONAL MATCH (parent)-[old:PARENT_OF]->(child)
  WHERE old.valid_from = row.props.valid_from OR (old.valid_from IS NULL AND row.props.valid_from IS NULL)
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
