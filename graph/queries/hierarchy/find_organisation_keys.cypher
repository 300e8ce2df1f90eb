// The key of every organisation, in one list.
MATCH (organisation:Organisation)
RETURN collect(organisation.key) AS keys
