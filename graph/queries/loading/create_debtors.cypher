// One batch of `debtors` rows: create the debtor accounts whose number is not stored yet; skip the others (upsert_debtors writes them).
// Return how many it created. The properties go into CREATE's map, which leaves out null values: one write per
// debtor account, not one per SET clause.
UNWIND $rows AS row
OPTIONAL MATCH (old:DebtorAccount {number: row.key})
WITH row, old WHERE old IS NULL
CREATE (account:DebtorAccount {
  number: row.key,
  name: coalesce(row.props.name, row.defaults.name),
  erp: coalesce(row.props.erp, row.defaults.erp)
})
RETURN count(*) AS count
