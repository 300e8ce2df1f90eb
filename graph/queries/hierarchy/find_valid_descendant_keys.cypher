// The PARENT_OF descendants on $as_of of the organisation $key, at most $max_depth levels down, through links whose
// kind is in $kinds (a link without a kind is legal), every link of the path valid that day (valid_from and valid_to
// inclusive, either empty = open). In lists, not a row per descendant (faster to send): each key once, with its
// smallest depth, and the most paths that reach one key. On data that keeps the rules one path reaches each, the
// organisation itself is none of them; the caller walks level by level where that fails.
// The WITH keeps FalkorDB walking down from the organisation asked about.
MATCH (top:Organisation {key: $key})
WITH top
MATCH path = (top)-[:PARENT_OF*1..]->(member:Organisation)
  WHERE length(path) <= $max_depth
    AND all(link IN relationships(path)
            WHERE (link.valid_from IS NULL OR link.valid_from <= date($as_of))
              AND (link.valid_to IS NULL OR date($as_of) <= link.valid_to)
              AND coalesce(link.kind, 'legal') IN $kinds)
WITH member.key AS key, min(length(path)) AS depth, count(path) AS paths
RETURN collect(key) AS keys, collect(depth) AS depths, max(paths) AS most_paths
