// The open activities OWNED_BY the users in $owners, each with the key of the organisation it is ABOUT: one row per
// activity. Done ones are left out here, as a user's history of them only grows.
UNWIND $owners AS owner_key
// The owner first, through its key index, then their activities: matched as one pattern, FalkorDB may scan every
// activity per key.
MATCH (owner:User {key: owner_key})
WITH owner
MATCH (owner)<-[:OWNED_BY]-(activity:Activity)-[:ABOUT]->(organisation:Organisation)
WHERE activity.status = 'open'
RETURN DISTINCT activity.key AS key, organisation.key AS organisation_key
