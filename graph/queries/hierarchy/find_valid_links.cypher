// Every PARENT_OF link valid on $as_of (valid_from and valid_to inclusive, either empty = open) as two lists of the
// same length: the child's key and the parent's key of each link. Two lists, not a row per link: a whole-graph
// answer (a million links) is parsed several times faster. For whole-graph work only (ranking every group).
MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation)
WHERE (link.valid_from IS NULL OR link.valid_from <= date($as_of))
  AND (link.valid_to IS NULL OR date($as_of) <= link.valid_to)
RETURN collect(child.key) AS children, collect(parent.key) AS parents
