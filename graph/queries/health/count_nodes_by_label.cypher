// How many nodes each label has; the revision node and the change records (graph/changes.py) are bookkeeping, not
// data, and are not counted.
MATCH (n)
WHERE NOT n:Revision AND NOT n:Change
RETURN labels(n)[0] AS label, count(n) AS count
