// One batch of `revenue` rows: upsert each booking by its key `<debtor>|<period>|<organisation>`,
// replacing its amounts, booked on the debtor account and attributed to one organisation.
UNWIND $rows AS row
MATCH (account:DebtorAccount {number: row.debtor_number})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (old:Booking {key: row.key})
WITH row, account, organisation, old IS NULL AS created, properties(old) AS before
MERGE (booking:Booking {key: row.key})
  ON CREATE SET booking += row.defaults
SET booking += row.props
FOREACH (clear IN row.clears | SET booking += clear)
MERGE (booking)-[:BOOKED_ON]->(account)
MERGE (booking)-[:ATTRIBUTED_TO]->(organisation)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(booking) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
