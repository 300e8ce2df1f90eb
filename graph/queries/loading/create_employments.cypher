// One batch of `employments` rows: create the WORKS_AT link between the two ends where there is none yet; skip the others
// (upsert_employments writes them). Return how many it created. The properties go into CREATE's map, which leaves out
// null values: one write per link, not one per SET clause.
UNWIND $rows AS row
MATCH (contact:Contact {key: row.contact_key})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (contact)-[old:WORKS_AT]->(organisation)
WITH row, contact, organisation, old WHERE old IS NULL
CREATE (contact)-[link:WORKS_AT {
  role: coalesce(row.props.role, row.defaults.role),
  department: coalesce(row.props.department, row.defaults.department),
  is_main_contact: coalesce(row.props.is_main_contact, row.defaults.is_main_contact),
  since: row.props.since,
  until: row.props.until
}]->(organisation)
RETURN count(*) AS count
