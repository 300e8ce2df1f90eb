// One batch of `debtors` rows: upsert each debtor account by its number; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new debtor account gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:DebtorAccount {number: row.key})
WITH row, old IS NULL AS created, properties(old) AS before
MERGE (account:DebtorAccount {number: row.key})
  ON CREATE SET account += row.defaults
SET account += row.props
FOREACH (clear IN row.clears | SET account += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(account) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
