// One batch of `contacts` rows: create the contacts whose key is not stored yet; skip the others (upsert_contacts writes them).
// Return how many it created. The properties go into CREATE's map, which leaves out null values: one write per
// contact, not one per SET clause.
UNWIND $rows AS row
OPTIONAL MATCH (old:Contact {key: row.key})
WITH row, old WHERE old IS NULL
CREATE (contact:Contact {
  key: row.key,
  last_name: coalesce(row.props.last_name, row.defaults.last_name),
  first_name: coalesce(row.props.first_name, row.defaults.first_name),
  email: coalesce(row.props.email, row.defaults.email),
  phone: coalesce(row.props.phone, row.defaults.phone)
})
RETURN count(*) AS count
