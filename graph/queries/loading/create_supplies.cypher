// One batch of `supplies` rows: create the SUPPLIES link between the two ends where there is none yet; skip the others
// (upsert_supplies writes them). Return how many it created. The properties go into CREATE's map, which leaves out
// null values: one write per link, not one per SET clause.
UNWIND $rows AS row
MATCH (supplier:Organisation {key: row.supplier_key})
MATCH (customer:Organisation {key: row.customer_key})
OPTIONAL MATCH (supplier)-[old:SUPPLIES]->(customer)
WITH row, supplier, customer, old WHERE old IS NULL
CREATE (supplier)-[link:SUPPLIES {
  since: row.props.since,
  until: row.props.until,
  note: coalesce(row.props.note, row.defaults.note)
}]->(customer)
RETURN count(*) AS count
