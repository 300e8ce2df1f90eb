// One batch of `revenue` rows: create the bookings whose key `<debtor>|<period>|<organisation>` is not stored yet,
// booked on the debtor account and attributed to one organisation; skip the others (upsert_revenue writes them).
// Return how many it created. The properties go into CREATE's map, which leaves out null values:
// the engine then writes each booking once, about half of what two SET clauses cost.
UNWIND $rows AS row
OPTIONAL MATCH (old:Booking {key: row.key})
WITH row, old WHERE old IS NULL
MATCH (account:DebtorAccount {number: row.debtor_number})
MATCH (organisation:Organisation {key: row.organisation_key})
CREATE (booking:Booking {
  key: row.key,
  period: coalesce(row.props.period, row.defaults.period),
  revenue: coalesce(row.props.revenue, row.defaults.revenue),
  gross_profit: coalesce(row.props.gross_profit, row.defaults.gross_profit),
  currency: coalesce(row.props.currency, row.defaults.currency)
})
CREATE (booking)-[:BOOKED_ON]->(account)
CREATE (booking)-[:ATTRIBUTED_TO]->(organisation)
RETURN count(*) AS count
