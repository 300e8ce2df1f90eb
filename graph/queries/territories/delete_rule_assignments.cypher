// One batch of (organisation_key, territory_key) rows: delete the organisation's rule-derived link to
// the territory; a manual link is never touched. Return the rows that were deleted.
UNWIND $rows AS row
MATCH (organisation:Organisation {key: row.organisation_key})-[link:ASSIGNED_TO]->(territory:Territory {key: row.territory_key})
WHERE link.source = 'rule'
DELETE link
RETURN row.organisation_key AS organisation_key, row.territory_key AS territory_key
