// How many nodes each label has; the revision node (graph/store) is bookkeeping, not data, and is not counted.
MATCH (n)
WHERE NOT n:Revision
RETURN labels(n)[0] AS label, count(n) AS count
