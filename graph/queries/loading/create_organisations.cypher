// One batch of `organisations` rows: create the organisations whose key is not stored yet; skip the others (upsert_organisations writes them).
// Return how many it created. The properties go into CREATE's map, which leaves out null values: one write per
// organisation, not one per SET clause.
UNWIND $rows AS row
OPTIONAL MATCH (old:Organisation {key: row.key})
WITH row, old WHERE old IS NULL
CREATE (organisation:Organisation {
  key: row.key,
  name: coalesce(row.props.name, row.defaults.name),
  kind: coalesce(row.props.kind, row.defaults.kind),
  status: coalesce(row.props.status, row.defaults.status),
  industry: coalesce(row.props.industry, row.defaults.industry),
  vat_id: coalesce(row.props.vat_id, row.defaults.vat_id),
  street: coalesce(row.props.street, row.defaults.street),
  postcode: coalesce(row.props.postcode, row.defaults.postcode),
  city: coalesce(row.props.city, row.defaults.city),
  country: coalesce(row.props.country, row.defaults.country),
  source: coalesce(row.props.source, row.defaults.source),
  declared_ultimate_key: coalesce(row.props.declared_ultimate_key, row.defaults.declared_ultimate_key)
})
RETURN count(*) AS count
