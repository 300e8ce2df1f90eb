// Compare one batch of `activities` rows with the stored activities and their links, changing nothing: return how
// many rows would be created, updated or unchanged, and the lines of those that would be written.
// It matches as upsert_activities does.
UNWIND $rows AS row
OPTIONAL MATCH (old:Activity {key: row.key})
OPTIONAL MATCH (old)-[:WITH]->(old_contact:Contact)
WITH row, old, collect(old_contact.key) AS contacts_before
OPTIONAL MATCH (old)-[:ABOUT]->(old_organisation:Organisation)
OPTIONAL MATCH (old)-[:OWNED_BY]->(old_owner:User)
WITH row,
     CASE
       WHEN old IS NULL THEN 'created'
       WHEN all(name IN keys(row.props) WHERE coalesce(old[name] = row.props[name], old[name] IS NULL AND row.props[name] IS NULL))
         AND all(clear IN row.clears WHERE all(name IN keys(clear) WHERE old[name] IS NULL))
         AND old_organisation.key = row.organisation_key
         AND (NOT 'owner_key' IN keys(row) OR coalesce(old_owner.key, '') = coalesce(row.owner_key, ''))
         AND (NOT 'contact_keys' IN keys(row) OR (size(contacts_before) = size(coalesce(row.contact_keys, []))
              AND all(key IN contacts_before WHERE key IN row.contact_keys)))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
WITH status, collect(row.i) AS lines
RETURN status, size(lines) AS count, CASE status WHEN 'unchanged' THEN [] ELSE lines END AS rows
