// Every ASSIGNED_TO link from an organisation to a territory (no dates), as two lists of the same length: the
// organisation's key and the territory's key. What the snapshot answers "which organisations do these territories
// hold" from.
MATCH (organisation:Organisation)-[:ASSIGNED_TO]->(territory:Territory)
RETURN collect(organisation.key) AS assigned_keys, collect(territory.key) AS assigned_territories
