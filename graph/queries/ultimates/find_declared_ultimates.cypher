// Every organisation that names a declared ultimate parent (GLEIF's IS_ULTIMATELY_CONSOLIDATED_BY), by key.
MATCH (organisation:Organisation)
WHERE organisation.declared_ultimate_key IS NOT NULL
RETURN organisation.key AS key, organisation.name AS name, organisation.declared_ultimate_key AS declared
ORDER BY key
