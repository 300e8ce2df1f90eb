// Return those of the given keys that belong to a stored relationship_type.
UNWIND $keys AS key
MATCH (relationship_type:RelationshipType {type: key})
RETURN relationship_type.type AS key
