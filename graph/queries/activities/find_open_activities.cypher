// The open activities OWNED_BY the users in $owners, each with the key of the organisation it is ABOUT: one row per
// activity. Done ones are left out here, as a user's history of them only grows.
UNWIND $owners AS owner_key
MATCH (:User {key: owner_key})<-[:OWNED_BY]-(activity:Activity)-[:ABOUT]->(organisation:Organisation)
WHERE activity.status = 'open'
RETURN DISTINCT activity.key AS key, organisation.key AS organisation_key
