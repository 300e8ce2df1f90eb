// One batch of `revenue` rows: upsert the BOOKED_FOR link of each booking, identified by (debtor account, period,
// attributed organisation), replacing its amounts; return how many rows had each status.
UNWIND $rows AS row
MATCH (account:DebtorAccount {number: row.debtor_number})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (account)-[old:BOOKED_FOR]->(organisation)
  WHERE old.period = row.props.period
WITH row, account, organisation, old, properties(old) AS before
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (account)-[new:BOOKED_FOR]->(organisation)
  SET new += row.defaults
  SET new += row.props
)
FOREACH (booking IN CASE WHEN old IS NULL THEN [] ELSE [old] END |
  SET booking += row.props
  FOREACH (clear IN row.clears | SET booking += clear)
)
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN before = properties(old) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
