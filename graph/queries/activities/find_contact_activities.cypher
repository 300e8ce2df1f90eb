// The activities the contact $key was WITH, each with the key of the organisation it is ABOUT: one row per
// activity, or one row of nulls when there is none; no row when no contact has the key.
MATCH (contact:Contact {key: $key})
OPTIONAL MATCH (contact)<-[:WITH]-(activity:Activity)-[:ABOUT]->(organisation:Organisation)
RETURN activity.key AS key, organisation.key AS organisation_key
