// One batch of `revenue` rows: create the BOOKED_FOR link of each booking (debtor account, period, attributed
// organisation) that is not stored yet; skip the others (upsert_revenue writes them). Return how many it created.
// The properties go into CREATE's map, which leaves out null values: the engine writes each booking once.
UNWIND $rows AS row
MATCH (account:DebtorAccount {number: row.debtor_number})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (account)-[old:BOOKED_FOR]->(organisation)
  WHERE old.period = row.props.period
WITH row, account, organisation, old WHERE old IS NULL
CREATE (account)-[:BOOKED_FOR {
  period: row.props.period,
  revenue: coalesce(row.props.revenue, row.defaults.revenue),
  gross_profit: coalesce(row.props.gross_profit, row.defaults.gross_profit),
  currency: coalesce(row.props.currency, row.defaults.currency)
}]->(organisation)
RETURN count(*) AS count
