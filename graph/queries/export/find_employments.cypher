// Every WORKS_AT link, current or ended, of the contacts with the given keys ($keys, one page).
UNWIND $keys AS key
MATCH (contact:Contact {key: key})
MATCH (contact)-[link:WORKS_AT]->(organisation:Organisation)
RETURN contact.key AS contact_key, organisation.key AS organisation_key, properties(link) AS props
