// The PARENT_OF parents on $as_of of each organisation in $keys: one row per link valid that day
// (valid_from and valid_to inclusive, either empty = open), with the child's name and country, the parent's country,
// and the link's share and period. A link without a kind is legal.
UNWIND $keys AS key
MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation {key: key})
WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
  AND (link.valid_to IS NULL OR $as_of <= link.valid_to)
RETURN key AS child, child.name AS child_name, child.country AS child_country,
       parent.key AS key, parent.name AS name, parent.country AS country,
       coalesce(link.kind, 'legal') AS kind, link.share AS share,
       link.valid_from AS valid_from, link.valid_to AS valid_to
