// Every SUPPLIES link from the suppliers with the given keys ($keys, one page) to a customer.
UNWIND $keys AS key
MATCH (supplier:Organisation {key: key})
MATCH (supplier)-[link:SUPPLIES]->(customer:Organisation)
RETURN supplier.key AS supplier_key, customer.key AS customer_key, properties(link) AS props
