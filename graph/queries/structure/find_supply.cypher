// Whether the organisations $from_key (the supplier) and $to_key (the customer) exist, and the period and note of
// the SUPPLIES link between them: one row; `linked` is false, and the rest null, when there is no link.
OPTIONAL MATCH (supplier:Organisation {key: $from_key})
WITH count(supplier) AS suppliers
OPTIONAL MATCH (customer:Organisation {key: $to_key})
WITH suppliers, count(customer) AS customers
OPTIONAL MATCH (:Organisation {key: $from_key})-[link:SUPPLIES]->(:Organisation {key: $to_key})
RETURN suppliers > 0 AS from_found, customers > 0 AS to_found, link IS NOT NULL AS linked,
       link.since AS first_day, link.until AS last_day, link.note AS note
