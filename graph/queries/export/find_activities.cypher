// The activities with the given keys ($keys, one page), with their properties, the keys of their organisation and
// owner, and the keys of their contacts in key order (so that two exports are the same bytes).
UNWIND $keys AS key
MATCH (activity:Activity {key: key})
OPTIONAL MATCH (activity)-[:ABOUT]->(organisation:Organisation)
OPTIONAL MATCH (activity)-[:OWNED_BY]->(owner:User)
OPTIONAL MATCH (activity)-[:WITH]->(contact:Contact)
WITH activity, organisation, owner, contact
ORDER BY contact.key
RETURN properties(activity) AS props, organisation.key AS organisation_key, owner.key AS owner_key,
       collect(contact.key) AS contact_keys
