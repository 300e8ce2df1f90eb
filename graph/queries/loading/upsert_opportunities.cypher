// One batch of `opportunities` rows: upsert each opportunity by its key, FOR the row's organisation and OWNED_BY its
// owner when the row gives that column (an empty cell removes the owner). Return how many rows had each status.
// Columns a file leaves out keep their stored values and links; a new opportunity gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:Opportunity {key: row.key})
OPTIONAL MATCH (old)-[:FOR]->(old_organisation:Organisation)
OPTIONAL MATCH (old)-[:OWNED_BY]->(old_owner:User)
WITH row, old IS NULL AS created, properties(old) AS before, old_organisation.key AS organisation_before,
     old_owner.key AS owner_before, 'owner_key' IN keys(row) AS owner_given
MERGE (opportunity:Opportunity {key: row.key})
  ON CREATE SET opportunity += row.defaults
SET opportunity += row.props
FOREACH (clear IN row.clears | SET opportunity += clear)
WITH row, opportunity, created, before, organisation_before, owner_before, owner_given
OPTIONAL MATCH (opportunity)-[stale:FOR|OWNED_BY]->(end)
  WHERE (type(stale) = 'FOR' AND end.key <> row.organisation_key)
     OR (type(stale) = 'OWNED_BY' AND owner_given AND (row.owner_key IS NULL OR end.key <> row.owner_key))
WITH row, opportunity, created, before, organisation_before, owner_before, owner_given, collect(stale) AS stale_links
FOREACH (link IN stale_links | DELETE link)
WITH row, opportunity, created, before, organisation_before, owner_before, owner_given
MATCH (organisation:Organisation {key: row.organisation_key})
MERGE (opportunity)-[:FOR]->(organisation)
WITH row, opportunity, created, before, organisation_before, owner_before, owner_given
OPTIONAL MATCH (owner:User {key: row.owner_key})
FOREACH (user IN CASE WHEN owner IS NULL THEN [] ELSE [owner] END | MERGE (opportunity)-[:OWNED_BY]->(user))
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(opportunity)
         AND organisation_before = row.organisation_key
         AND (NOT owner_given OR coalesce(owner_before, '') = coalesce(row.owner_key, ''))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
