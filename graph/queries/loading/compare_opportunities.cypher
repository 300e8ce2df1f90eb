// Compare one batch of `opportunities` rows with the stored opportunities and their links, changing nothing: return
// how many rows would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_opportunities does.
UNWIND $rows AS row
OPTIONAL MATCH (old:Opportunity {key: row.key})
OPTIONAL MATCH (old)-[:FOR]->(old_organisation:Organisation)
OPTIONAL MATCH (old)-[:OWNED_BY]->(old_owner:User)
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN all(name IN keys(row.props) WHERE coalesce(old[name] = row.props[name], old[name] IS NULL AND row.props[name] IS NULL))
         AND all(clear IN row.clears WHERE all(name IN keys(clear) WHERE old[name] IS NULL))
         AND old_organisation.key = row.organisation_key
         AND (NOT 'owner_key' IN keys(row) OR coalesce(old_owner.key, '') = coalesce(row.owner_key, ''))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
WITH status, collect(row.i) AS lines
RETURN status, size(lines) AS count, CASE status WHEN 'unchanged' THEN [] ELSE lines END AS rows
