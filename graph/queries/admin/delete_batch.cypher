MATCH (n)
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
