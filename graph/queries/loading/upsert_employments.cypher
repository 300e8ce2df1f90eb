// One batch of `employments` rows: upsert the WORKS_AT link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (contact:Contact {key: row.contact_key})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (contact)-[old:WORKS_AT]->(organisation)
WITH row, contact, organisation, old IS NULL AS created, properties(old) AS before
MERGE (contact)-[link:WORKS_AT]->(organisation)
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
