// The opportunities with the given keys ($keys, one page), with their properties and the keys of their
// organisation and owner.
UNWIND $keys AS key
MATCH (opportunity:Opportunity {key: key})
OPTIONAL MATCH (opportunity)-[:FOR]->(organisation:Organisation)
OPTIONAL MATCH (opportunity)-[:OWNED_BY]->(owner:User)
RETURN properties(opportunity) AS props, organisation.key AS organisation_key, owner.key AS owner_key
