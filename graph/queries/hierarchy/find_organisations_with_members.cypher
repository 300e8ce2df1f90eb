// Which organisations in $keys have at least one stored member (MEMBER_OF), whatever its dates.
// With the far end unlabelled, Neo4j answers the pattern predicate from the node's degree, however many members.
UNWIND $keys AS key
MATCH (association:Organisation {key: key})
WHERE ()-[:MEMBER_OF]->(association)
RETURN key
