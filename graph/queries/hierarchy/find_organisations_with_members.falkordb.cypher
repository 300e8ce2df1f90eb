// Which organisations in $keys have at least one stored member (MEMBER_OF), whatever its dates.
// FalkorDB runs the pattern predicate of the shared text as a sub-plan per key (3x slower); indegree() is O(1).
UNWIND $keys AS key
MATCH (association:Organisation {key: key})
WHERE indegree(association, 'MEMBER_OF') > 0
RETURN key
