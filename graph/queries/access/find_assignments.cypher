// The territory assignments of each user in $users valid on $as_of (valid_from and valid_to inclusive, either
// empty = open): one row per assignment, with the territory's name and the assignment's role and period.
UNWIND $users AS user_key
MATCH (:User {key: user_key})-[assignment:ASSIGNED_TO]->(territory:Territory)
WHERE (assignment.valid_from IS NULL OR assignment.valid_from <= $as_of)
  AND (assignment.valid_to IS NULL OR $as_of <= assignment.valid_to)
RETURN user_key, territory.key AS territory_key, territory.name AS territory_name,
       coalesce(assignment.role, 'owner') AS role, assignment.valid_from AS valid_from,
       assignment.valid_to AS valid_to
