// One batch of `activities` rows: upsert each activity by its key, ABOUT the row's organisation, OWNED_BY its owner
// and WITH its contacts when the row gives those columns (an empty cell removes the owner; the contacts given replace
// the stored ones). Return how many rows had each status. Columns a file leaves out keep their stored values and links.
UNWIND $rows AS row
OPTIONAL MATCH (old:Activity {key: row.key})
OPTIONAL MATCH (old)-[:WITH]->(old_contact:Contact)
WITH row, old, collect(old_contact.key) AS contacts_before
OPTIONAL MATCH (old)-[:ABOUT]->(old_organisation:Organisation)
OPTIONAL MATCH (old)-[:OWNED_BY]->(old_owner:User)
WITH row, old IS NULL AS created, properties(old) AS before, old_organisation.key AS organisation_before,
     old_owner.key AS owner_before, contacts_before,
     'owner_key' IN keys(row) AS owner_given, 'contact_keys' IN keys(row) AS contacts_given
MERGE (activity:Activity {key: row.key})
  ON CREATE SET activity += row.defaults
SET activity += row.props
FOREACH (clear IN row.clears | SET activity += clear)
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given
OPTIONAL MATCH (activity)-[stale:ABOUT|OWNED_BY|WITH]->(end)
  WHERE (type(stale) = 'ABOUT' AND end.key <> row.organisation_key)
     OR (type(stale) = 'OWNED_BY' AND owner_given AND (row.owner_key IS NULL OR end.key <> row.owner_key))
     OR (type(stale) = 'WITH' AND contacts_given AND NOT end.key IN coalesce(row.contact_keys, []))
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given,
     collect(stale) AS stale_links
FOREACH (link IN stale_links | DELETE link)
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given
MATCH (organisation:Organisation {key: row.organisation_key})
MERGE (activity)-[:ABOUT]->(organisation)
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given
OPTIONAL MATCH (owner:User {key: row.owner_key})
FOREACH (user IN CASE WHEN owner IS NULL THEN [] ELSE [owner] END | MERGE (activity)-[:OWNED_BY]->(user))
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given
// One key at a time, through the key index: `contact.key IN $list` scans every contact for every row. A row without
// contacts keeps one null key, which matches nothing, so that the row is not dropped.
UNWIND CASE WHEN size(coalesce(row.contact_keys, [])) = 0 THEN [null] ELSE row.contact_keys END AS contact_key
OPTIONAL MATCH (contact:Contact {key: contact_key})
WITH row, activity, created, before, organisation_before, owner_before, contacts_before, owner_given, contacts_given,
     collect(contact) AS contacts
FOREACH (contact IN contacts | MERGE (activity)-[:WITH]->(contact))
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(activity)
         AND organisation_before = row.organisation_key
         AND (NOT owner_given OR coalesce(owner_before, '') = coalesce(row.owner_key, ''))
         AND (NOT contacts_given OR (size(contacts_before) = size(coalesce(row.contact_keys, []))
              AND all(key IN contacts_before WHERE key IN row.contact_keys)))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
