// Every territory's key and name, as two lists of the same length.
MATCH (territory:Territory)
RETURN collect(territory.key) AS territory_keys, collect(territory.name) AS territory_names
