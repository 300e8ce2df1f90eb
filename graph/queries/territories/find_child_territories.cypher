// The territories one PARENT_OF step below those in $keys (the territory hierarchy has no dates): one row each.
// One level per query: the callers walk down level by level rather than with a variable-length path.
UNWIND $keys AS key
MATCH (:Territory {key: key})-[:PARENT_OF]->(child:Territory)
RETURN DISTINCT child.key AS key
