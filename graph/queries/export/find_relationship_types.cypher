// The relationship types with the given names ($keys, one page), with their properties.
UNWIND $keys AS name
MATCH (relationship_type:RelationshipType {type: name})
RETURN properties(relationship_type) AS props
