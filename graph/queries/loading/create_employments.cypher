// One batch of `employments` rows: create the WORKS_AT link between the two ends where there is none yet; skip the others
// (upsert_employments writes them). Return how many it created.
UNWIND $rows AS row
MATCH (contact:Contact {key: row.contact_key})
MATCH (organisation:Organisation {key: row.organisation_key})
OPTIONAL MATCH (contact)-[old:WORKS_AT]->(organisation)
WITH row, contact, organisation, old WHERE old IS NULL
CREATE (contact)-[link:WORKS_AT]->(organisation)
SET link += row.defaults
SET link += row.props
SET link.since = date(row.dates.since)
SET link.until = date(row.dates.until)
RETURN count(*) AS count
