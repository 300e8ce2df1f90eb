// One batch of `opportunities` rows: create the opportunities whose key is not stored yet, FOR their organisation and
// OWNED_BY their owner; skip the others (upsert_opportunities writes them). Return how many it created. The
// properties go into CREATE's map, which leaves out null values: one write per opportunity.
UNWIND $rows AS row
OPTIONAL MATCH (old:Opportunity {key: row.key})
WITH row, old WHERE old IS NULL
MATCH (organisation:Organisation {key: row.organisation_key})
CREATE (opportunity:Opportunity {
  key: row.key,
  name: coalesce(row.props.name, row.defaults.name),
  amount: coalesce(row.props.amount, row.defaults.amount),
  stage: coalesce(row.props.stage, row.defaults.stage),
  probability: coalesce(row.props.probability, row.defaults.probability),
  expected_close: coalesce(row.props.expected_close, row.defaults.expected_close),
  status: coalesce(row.props.status, row.defaults.status),
  closed_on: coalesce(row.props.closed_on, row.defaults.closed_on),
  currency: coalesce(row.props.currency, row.defaults.currency)
})-[:FOR]->(organisation)
WITH row, opportunity
OPTIONAL MATCH (owner:User {key: row.owner_key})
FOREACH (user IN CASE WHEN owner IS NULL THEN [] ELSE [owner] END | CREATE (opportunity)-[:OWNED_BY]->(user))
RETURN count(*) AS count
