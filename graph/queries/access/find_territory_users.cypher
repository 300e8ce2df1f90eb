// The users ASSIGNED_TO each territory in $territories on $as_of (valid_from and valid_to inclusive, either
// empty = open): one row per assignment, with the user's name and role and the assignment's role and period.
UNWIND $territories AS territory_key
MATCH (user:User)-[assignment:ASSIGNED_TO]->(territory:Territory {key: territory_key})
WHERE (assignment.valid_from IS NULL OR assignment.valid_from <= $as_of)
  AND (assignment.valid_to IS NULL OR $as_of <= assignment.valid_to)
RETURN territory_key, territory.name AS territory_name, user.key AS user_key, user.name AS user_name,
       user.role AS user_role, coalesce(assignment.role, 'owner') AS role, assignment.valid_from AS valid_from,
       assignment.valid_to AS valid_to
