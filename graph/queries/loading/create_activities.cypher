// One batch of `activities` rows: create the activities whose key is not stored yet, ABOUT their organisation,
// OWNED_BY their owner and WITH their contacts; skip the others (upsert_activities writes them). Return how many it
// created. The properties go into CREATE's map, which leaves out null values: one write per activity.
UNWIND $rows AS row
OPTIONAL MATCH (old:Activity {key: row.key})
WITH row, old WHERE old IS NULL
MATCH (organisation:Organisation {key: row.organisation_key})
CREATE (activity:Activity {
  key: row.key,
  type: coalesce(row.props.type, row.defaults.type),
  status: coalesce(row.props.status, row.defaults.status),
  date: coalesce(row.props.date, row.defaults.date),
  subject: coalesce(row.props.subject, row.defaults.subject)
})-[:ABOUT]->(organisation)
WITH row, activity
OPTIONAL MATCH (owner:User {key: row.owner_key})
FOREACH (user IN CASE WHEN owner IS NULL THEN [] ELSE [owner] END | CREATE (activity)-[:OWNED_BY]->(user))
WITH row, activity
// One key at a time, through the key index: `contact.key IN $list` scans every contact for every row. A row without
// contacts keeps one null key, which matches nothing, so that the row is not dropped.
UNWIND CASE WHEN size(coalesce(row.contact_keys, [])) = 0 THEN [null] ELSE row.contact_keys END AS contact_key
OPTIONAL MATCH (contact:Contact {key: contact_key})
WITH activity, collect(contact) AS contacts
FOREACH (contact IN contacts | CREATE (activity)-[:WITH]->(contact))
RETURN count(*) AS count
