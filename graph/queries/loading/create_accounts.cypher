// One batch of `accounts` rows: create the HAS_ACCOUNT link between the two ends where there is none yet; skip the others
// (upsert_accounts writes them). Return how many it created. The properties go into CREATE's map, which leaves out
// null values: one write per link, not one per SET clause.
UNWIND $rows AS row
MATCH (organisation:Organisation {key: row.organisation_key})
MATCH (account:DebtorAccount {number: row.debtor_number})
OPTIONAL MATCH (organisation)-[old:HAS_ACCOUNT]->(account)
WITH row, organisation, account, old WHERE old IS NULL
CREATE (organisation)-[link:HAS_ACCOUNT {
  role: coalesce(row.props.role, row.defaults.role)
}]->(account)
RETURN count(*) AS count
