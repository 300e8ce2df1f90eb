// Every registered RELATED_TO type, in order.
MATCH (relationship_type:RelationshipType)
RETURN relationship_type.type AS type
ORDER BY type
