// Delete the RELATED_TO link of type $type from $from_key to $to_key (each the key of an organisation or a
// contact, as upsert_relationships finds them); one row per deleted link, with its note.
OPTIONAL MATCH (from_organisation:Organisation {key: $from_key})
OPTIONAL MATCH (from_contact:Contact {key: $from_key})
OPTIONAL MATCH (to_organisation:Organisation {key: $to_key})
OPTIONAL MATCH (to_contact:Contact {key: $to_key})
WITH coalesce(from_organisation, from_contact) AS source, coalesce(to_organisation, to_contact) AS target
WHERE source IS NOT NULL AND target IS NOT NULL
MATCH (source)-[link:RELATED_TO {type: $type}]->(target)
WITH link, link.note AS note
DELETE link
RETURN note
