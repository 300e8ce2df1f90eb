// The organisation with key $key, with the keys of the duplicates merged into it.
MATCH (organisation:Organisation {key: $key})
RETURN organisation.key AS key, coalesce(organisation.former_keys, []) AS former_keys
