// One batch of `supplies` rows: upsert the SUPPLIES link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (supplier:Organisation {key: row.supplier_key})
MATCH (customer:Organisation {key: row.customer_key})
OPTIONAL MATCH (supplier)-[old:SUPPLIES]->(customer)
WITH row, supplier, customer, old IS NULL AS created, properties(old) AS before
MERGE (supplier)-[link:SUPPLIES]->(customer)
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
