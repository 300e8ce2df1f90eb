// Those of the territories with the given keys ($keys, one page) that have $depth territories above them,
// with their properties and the key of their parent (the lowest key, should one have several).
UNWIND $keys AS key
MATCH (territory:Territory {key: key})
WITH territory, [(territory)<-[:PARENT_OF*]-(ancestor:Territory) | ancestor.key] AS ancestors
WHERE size(ancestors) = $depth
RETURN properties(territory) AS props,
       reduce(lowest = null, candidate IN [(territory)<-[:PARENT_OF]-(parent:Territory) | parent.key]
              | CASE WHEN lowest IS NULL OR candidate < lowest THEN candidate ELSE lowest END) AS parent_key
