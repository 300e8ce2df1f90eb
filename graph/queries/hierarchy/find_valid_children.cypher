// The PARENT_OF children on $as_of of each organisation in $keys, through links whose kind is in $kinds:
// one row per link valid that day (valid_from and valid_to inclusive, either empty = open).
// A stored link without a kind is legal. One hop only: callers walk level by level.
UNWIND $keys AS key
MATCH (:Organisation {key: key})-[link:PARENT_OF]->(child:Organisation)
WHERE (link.valid_from IS NULL OR link.valid_from <= date($as_of))
  AND (link.valid_to IS NULL OR date($as_of) <= link.valid_to)
  AND coalesce(link.kind, 'legal') IN $kinds
RETURN key AS parent_key, child.key AS key, child.name AS name, coalesce(link.kind, 'legal') AS kind
