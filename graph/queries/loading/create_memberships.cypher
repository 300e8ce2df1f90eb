// One batch of `memberships` rows: create the MEMBER_OF link between the two ends where there is none yet; skip the others
// (upsert_memberships writes them). Return how many it created. The properties go into CREATE's map, which leaves out
// null values: one write per link, not one per SET clause.
UNWIND $rows AS row
MATCH (member:Organisation {key: row.member_key})
MATCH (association:Organisation {key: row.association_key})
OPTIONAL MATCH (member)-[old:MEMBER_OF]->(association)
WITH row, member, association, old WHERE old IS NULL
CREATE (member)-[link:MEMBER_OF {
  valid_from: row.props.valid_from,
  valid_to: row.props.valid_to
}]->(association)
RETURN count(*) AS count
