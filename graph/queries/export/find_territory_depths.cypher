// Every depth some territory has in the territory hierarchy: the number of territories above it (0 for a root).
// A territory in a cycle counts every territory it is reached from; the query still ends.
MATCH (territory:Territory)
RETURN DISTINCT size([(territory)<-[:PARENT_OF*]-(ancestor:Territory) | ancestor.key]) AS depth
ORDER BY depth
