// Which organisations in $keys are the parent in at least one stored PARENT_OF period, whatever its dates.
// FalkorDB runs the pattern predicate of the shared text as a sub-plan per key (3x slower); outdegree() is O(1).
UNWIND $keys AS key
MATCH (parent:Organisation {key: key})
WHERE outdegree(parent, 'PARENT_OF') > 0
RETURN key
