// The PARENT_OF links valid on $as_of between each pair in $links ({parent, child} keys; valid_from and valid_to
// inclusive, either empty = open): one row per link with its kind (legal when none is stored), period and share.
UNWIND $links AS pair
MATCH (:Organisation {key: pair.parent})-[link:PARENT_OF]->(:Organisation {key: pair.child})
WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
  AND (link.valid_to IS NULL OR $as_of <= link.valid_to)
RETURN pair.parent AS parent, pair.child AS child, coalesce(link.kind, 'legal') AS kind,
       link.valid_from AS valid_from, link.valid_to AS valid_to, link.share AS share
