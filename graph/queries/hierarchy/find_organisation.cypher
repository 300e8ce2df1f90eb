// The key, name and country of the organisation $key; no row when there is none.
MATCH (organisation:Organisation {key: $key})
RETURN organisation.key AS key, organisation.name AS name, organisation.country AS country
