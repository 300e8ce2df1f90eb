// One batch of `org_territories` rows: upsert the ASSIGNED_TO link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (organisation:Organisation {key: row.organisation_key})
MATCH (territory:Territory {key: row.territory_key})
OPTIONAL MATCH (organisation)-[old:ASSIGNED_TO]->(territory)
WITH row, organisation, territory, old IS NULL AS created, properties(old) AS before
MERGE (organisation)-[link:ASSIGNED_TO]->(territory)
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
