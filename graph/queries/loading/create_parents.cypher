// One batch of `parents` rows: create the PARENT_OF periods, (parent, child, valid_from), that are not stored yet;
// skip the others (upsert_parents writes them). Return how many it created. The properties go into CREATE's map,
// which leaves out null values: one write per link, not one per SET clause.
UNWIND $rows AS row
MATCH (parent:Organisation {key: row.parent_key})
MATCH (child:Organisation {key: row.child_key})
OPTIONAL MATCH (parent)-[old:PARENT_OF]->(child)
  WHERE old.valid_from = row.props.valid_from OR (old.valid_from IS NULL AND row.props.valid_from IS NULL)
WITH row, parent, child, old WHERE old IS NULL
CREATE (parent)-[link:PARENT_OF {
  kind: coalesce(row.props.kind, row.defaults.kind),
  valid_from: row.props.valid_from,
  valid_to: row.props.valid_to,
  share: coalesce(row.props.share, row.defaults.share)
}]->(child)
RETURN count(*) AS count
