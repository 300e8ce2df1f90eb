// One batch of `debtors` rows: create the debtor accounts whose number is not stored yet; skip the others (upsert_debtors writes them).
// Return how many it created.
UNWIND $rows AS row
OPTIONAL MATCH (old:DebtorAccount {number: row.key})
WITH row, old WHERE old IS NULL
CREATE (account:DebtorAccount {number: row.key})
SET account += row.defaults
SET account += row.props
RETURN count(*) AS count
