// One batch of `supplies` rows: create the SUPPLIES link between the two ends where there is none yet; skip the others
// (upsert_supplies writes them). Return how many it created.
UNWIND $rows AS row
MATCH (supplier:Organisation {key: row.supplier_key})
MATCH (customer:Organisation {key: row.customer_key})
OPTIONAL MATCH (supplier)-[old:SUPPLIES]->(customer)
WITH row, supplier, customer, old WHERE old IS NULL
CREATE (supplier)-[link:SUPPLIES]->(customer)
SET link += row.defaults
SET link += row.props
SET link.since = date(row.dates.since)
SET link.until = date(row.dates.until)
RETURN count(*) AS count
