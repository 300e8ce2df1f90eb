// The territories each organisation in $keys is ASSIGNED_TO (no dates): one row per assignment, with the
// territory's name and the assignment's source (`rule`, or `manual` when none is stored).
UNWIND $keys AS key
MATCH (:Organisation {key: key})-[assignment:ASSIGNED_TO]->(territory:Territory)
RETURN key, territory.key AS territory_key, territory.name AS territory_name,
       coalesce(assignment.source, 'manual') AS source
