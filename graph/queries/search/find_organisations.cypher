// What a search answer shows of each organisation in $keys; no row for a key no organisation has.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN key,
       organisation.name AS name,
       organisation.country AS country,
       organisation.city AS city,
       organisation.vat_id AS vat_id,
       organisation.kind AS kind,
       organisation.status AS status
