// One batch of `relationships` rows: upsert the RELATED_TO link of the row's type between two
// organisations or contacts (the loader has checked that each key names exactly one of them).
// Columns a file leaves out keep their stored values.
UNWIND $rows AS row
OPTIONAL MATCH (from_organisation:Organisation {key: row.from_key})
OPTIONAL MATCH (from_contact:Contact {key: row.from_key})
OPTIONAL MATCH (to_organisation:Organisation {key: row.to_key})
OPTIONAL MATCH (to_contact:Contact {key: row.to_key})
WITH row, coalesce(from_organisation, from_contact) AS source, coalesce(to_organisation, to_contact) AS target
WHERE source IS NOT NULL AND target IS NOT NULL
OPTIONAL MATCH (source)-[old:RELATED_TO {type: row.props.type}]->(target)
WITH row, source, target, old IS NULL AS created, properties(old) AS before
MERGE (source)-[link:RELATED_TO {type: row.props.type}]->(target)
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
