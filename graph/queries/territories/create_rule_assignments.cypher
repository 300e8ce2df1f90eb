// One batch of (organisation_key, territory_key) rows: link each organisation to the territory with
// `source: 'rule'`, unless the organisation has a manual assignment (checked again here, so that a
// manual link stored since the plan was computed still wins) or is already linked to it; so CREATE, not
// MERGE, which would look for the link a second time. Return the rows that were created.
UNWIND $rows AS row
MATCH (organisation:Organisation {key: row.organisation_key})
MATCH (territory:Territory {key: row.territory_key})
OPTIONAL MATCH (organisation)-[link:ASSIGNED_TO]->(assigned:Territory)
WITH organisation, territory,
     count(CASE WHEN link IS NOT NULL AND coalesce(link.source, 'manual') <> 'rule' THEN 1 END) AS manual,
     count(CASE WHEN assigned = territory THEN 1 END) AS existing
WHERE manual = 0 AND existing = 0
CREATE (organisation)-[:ASSIGNED_TO {source: 'rule'}]->(territory)
RETURN organisation.key AS organisation_key, territory.key AS territory_key
