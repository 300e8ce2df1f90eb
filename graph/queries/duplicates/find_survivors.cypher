// The organisations that a duplicate with key $key was merged into (normally one).
// Scans the organisations: called only for a key that no organisation has.
MATCH (organisation:Organisation)
WHERE $key IN organisation.former_keys
RETURN organisation.key AS key
ORDER BY key
