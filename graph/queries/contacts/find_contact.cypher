// The contact $key with every WORKS_AT link it has, current or ended: one row per link, or one row with a null
// organisation key when it has none; no row when no contact has the key.
MATCH (contact:Contact {key: $key})
OPTIONAL MATCH (contact)-[job:WORKS_AT]->(organisation:Organisation)
RETURN contact.key AS key, contact.first_name AS first_name, contact.last_name AS last_name,
       contact.email AS email, contact.phone AS phone,
       organisation.key AS organisation_key, organisation.name AS organisation_name,
       job.role AS role, job.department AS department, coalesce(job.is_main_contact, false) AS is_main_contact,
       job.since AS since, job.until AS until
