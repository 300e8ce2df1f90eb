// Every manual ASSIGNED_TO link of the organisations with the given keys ($keys, one page). Rule-derived
// links (`source: 'rule'`) are left out: the territory rules derive them again. A link without a source is
// manual, as graph/territories.py reads it.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
MATCH (organisation)-[link:ASSIGNED_TO]->(territory:Territory)
WHERE coalesce(link.source, 'manual') <> 'rule'
RETURN organisation.key AS organisation_key, territory.key AS territory_key, properties(link) AS props
