// The name and the PARENT_OF ancestors on $as_of (each with its distance) of each organisation in $keys.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
OPTIONAL MATCH path = (ancestor:Organisation)-[:PARENT_OF*1..]->(organisation)
  WHERE all(link IN relationships(path)
            WHERE coalesce(link.valid_from <= date($as_of), true) AND coalesce(link.valid_to >= date($as_of), true))
RETURN key, organisation.name AS name,
       collect(CASE WHEN ancestor IS NULL THEN NULL ELSE {key: ancestor.key, depth: length(path)} END) AS ancestors
