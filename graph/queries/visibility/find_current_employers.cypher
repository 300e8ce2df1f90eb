// The organisations each contact in $keys works at on $as_of (WORKS_AT with since and until inclusive, either
// empty = open): one row per contact that has any, with their keys.
UNWIND $keys AS key
MATCH (:Contact {key: key})-[job:WORKS_AT]->(employer:Organisation)
WHERE (job.since IS NULL OR job.since <= $as_of)
  AND (job.until IS NULL OR $as_of <= job.until)
RETURN key, collect(DISTINCT employer.key) AS employers
