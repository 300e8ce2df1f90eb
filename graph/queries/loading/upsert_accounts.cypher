// One batch of `accounts` rows: upsert the HAS_ACCOUNT link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (organisation:Organisation {key: row.organisation_key})
MATCH (account:DebtorAccount {number: row.debtor_number})
OPTIONAL MATCH (organisation)-[old:HAS_ACCOUNT]->(account)
WITH row, organisation, account, old IS NULL AS created, properties(old) AS before
MERGE (organisation)-[link:HAS_ACCOUNT]->(account)
  ON CREATE SET link += row.defaults
SET link += row.props
FOREACH (clear IN row.clears | SET link += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(link) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
