// Every ASSIGNED_TO link from one of the organisations $keys to a territory: the two keys.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})-[:ASSIGNED_TO]->(territory:Territory)
RETURN organisation.key AS key, territory.key AS territory
