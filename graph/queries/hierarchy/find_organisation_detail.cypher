// The organisation $key with its PARENT_OF parent on $as_of (one row per parent link valid that day: more than one
// only on data that breaks the rules; none when it has no parent) and how many children it has that day.
// No row when no organisation has the key.
MATCH (organisation:Organisation {key: $key})
OPTIONAL MATCH (organisation)-[down:PARENT_OF]->(child:Organisation)
  WHERE (down.valid_from IS NULL OR down.valid_from <= $as_of)
    AND (down.valid_to IS NULL OR $as_of <= down.valid_to)
WITH organisation, count(DISTINCT child) AS child_count
OPTIONAL MATCH (parent:Organisation)-[up:PARENT_OF]->(organisation)
  WHERE (up.valid_from IS NULL OR up.valid_from <= $as_of)
    AND (up.valid_to IS NULL OR $as_of <= up.valid_to)
RETURN properties(organisation) AS properties, child_count,
       parent.key AS parent_key, parent.name AS parent_name, coalesce(up.kind, 'legal') AS kind,
       up.valid_from AS valid_from, up.valid_to AS valid_to, up.share AS share
