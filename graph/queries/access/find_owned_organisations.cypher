// Who owns which organisations on $as_of: users ASSIGNED_TO a territory as `owner` that day (valid_from and
// valid_to inclusive, either empty = open), with the organisations ASSIGNED_TO that same territory. Only direct
// assignments count: no territory hierarchy, no substitutes, no inheritance. One row per owner.
MATCH (owner:User)-[assignment:ASSIGNED_TO]->(:Territory)<-[:ASSIGNED_TO]-(organisation:Organisation)
WHERE coalesce(assignment.role, 'owner') = 'owner'
  AND (assignment.valid_from IS NULL OR assignment.valid_from <= $as_of)
  AND (assignment.valid_to IS NULL OR $as_of <= assignment.valid_to)
RETURN owner.key AS key, owner.name AS name, collect(DISTINCT organisation.key) AS organisations
