// Every stored WORKS_AT link of the contacts in $keys, whatever its dates: where each worked, from when to when, and
// whether as the organisation's main contact. An activity without an organisation is attributed through them.
UNWIND $keys AS key
MATCH (:Contact {key: key})-[job:WORKS_AT]->(organisation:Organisation)
RETURN key AS contact, organisation.key AS organisation, job.since AS since, job.until AS until,
       coalesce(job.is_main_contact, false) AS main
