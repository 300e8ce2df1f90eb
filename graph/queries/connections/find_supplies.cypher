// The SUPPLIES links valid on $as_of between the ends of each pair in $pairs ({supplier, customer}):
// each end as {key, name}, and the link's since, until and note. Both ends are found by key before the link
// between them (the WITHs keep FalkorDB from walking every link of one end: a supplier may have 100,000).
UNWIND $pairs AS pair
MATCH (supplier:Organisation {key: pair.supplier})
WITH pair, supplier
MATCH (customer:Organisation {key: pair.customer})
WITH supplier, customer
MATCH (supplier)-[link:SUPPLIES]->(customer)
WHERE (link.since IS NULL OR link.since <= $as_of)
  AND (link.until IS NULL OR $as_of <= link.until)
RETURN {key: supplier.key, name: supplier.name} AS supplier, {key: customer.key, name: customer.name} AS customer,
       link.since AS since, link.until AS until, link.note AS note
