// The PARENT_OF ancestors on $as_of of each organisation in $keys: one row per path up, with the organisation's name
// and country, the ancestor's country (the domestic ultimate parent compares them), the ancestor's depth (the path's
// length) and the kind of the link from the ancestor down (a link without a kind is legal). Every link of the path
// must be valid that day (valid_from and valid_to inclusive, either empty = open). On data that keeps the rules each
// ancestor comes once, at one depth; the caller checks that and climbs level by level where it does not.
// The WITH keeps FalkorDB climbing from the organisation asked about instead of walking down from every node.
// A variable-length path filtered link by link agreed with a plain-Python reference on random graphs with history.
UNWIND $keys AS key
MATCH (child:Organisation {key: key})
WITH key, child
MATCH path = (ancestor:Organisation)-[:PARENT_OF*1..]->(child)
  WHERE all(link IN relationships(path)
            WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
              AND (link.valid_to IS NULL OR $as_of <= link.valid_to))
RETURN key AS child, child.name AS child_name, child.country AS child_country,
       ancestor.key AS key, ancestor.name AS name, ancestor.country AS country,
       coalesce(relationships(path)[0].kind, 'legal') AS kind, length(path) AS depth
