// The employments at each organisation in $keys on $as_of, one row per WORKS_AT link with its contact: those that
// have begun (since empty or since <= $as_of) and have not ended (until empty or $as_of <= until), and with
// $include_former also those that ended before $as_of. Dates are inclusive. An organisation without such a link
// gives one row with a null contact key, so that a caller can tell it from a key no organisation has.
UNWIND $keys AS organisation_key
MATCH (organisation:Organisation {key: organisation_key})
OPTIONAL MATCH (contact:Contact)-[job:WORKS_AT]->(organisation)
  WHERE (job.since IS NULL OR job.since <= $as_of)
    AND ($include_former OR job.until IS NULL OR $as_of <= job.until)
RETURN organisation_key, organisation.name AS organisation_name,
       contact.key AS key, contact.first_name AS first_name, contact.last_name AS last_name,
       contact.email AS email, contact.phone AS phone,
       job.role AS role, job.department AS department, coalesce(job.is_main_contact, false) AS is_main_contact,
       job.since AS since, job.until AS until
