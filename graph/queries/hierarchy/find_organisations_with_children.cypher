// Which organisations in $keys are the parent in at least one stored PARENT_OF period, whatever its dates.
// With the far end unlabelled, Neo4j answers the pattern predicate from the node's degree, however many children.
UNWIND $keys AS key
MATCH (parent:Organisation {key: key})
WHERE (parent)-[:PARENT_OF]->()
RETURN key
