// Organisations sharing a contact: one row per contact who works at several organisations on $as_of.
// An ended job does not count: a contact who changed employer links two different companies.
MATCH (contact:Contact)-[job:WORKS_AT]->(organisation:Organisation)
WHERE job.until IS NULL OR job.until >= $as_of
WITH contact, collect(DISTINCT organisation.key) AS keys
WHERE size(keys) > 1
RETURN contact.key AS contact, keys
