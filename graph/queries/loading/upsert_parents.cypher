// One batch of `parents` rows. A PARENT_OF period is identified by (parent, child, valid_from):
// a row with another valid_from adds a period to the history, the same one updates it.
// Columns a file leaves out keep their stored values; a new period gets their defaults.
UNWIND $rows AS row
MATCH (parent:Organisation {key: row.parent_key})
MATCH (child:Organisation {key: row.child_key})
OPTIONAL MATCH (parent)-[old:PARENT_OF]->(child)
  WHERE old.valid_from = row.props.valid_from OR (old.valid_from IS NULL AND row.props.valid_from IS NULL)
WITH row, parent, child, old, properties(old) AS before
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (parent)-[new:PARENT_OF]->(child)
  SET new += row.defaults
  SET new += row.props
)
FOREACH (link IN CASE WHEN old IS NULL THEN [] ELSE [old] END |
  SET link += row.props
  FOREACH (clear IN row.clears | SET link += clear)
)
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN before = properties(old) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
