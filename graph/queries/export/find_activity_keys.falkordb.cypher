// The next page of activities in key order: the first $page_size keys after $after (give '' for the first page).
// FalkorDB (4.x) answers a range over a string index wrongly: `n.key > $x` and `n.key <= $x` miss nodes or
// return extra ones. The comparison is therefore on a projected value, which it evaluates as a filter after
// a label scan; each page then costs one scan of the label.
MATCH (activity:Activity)
WITH activity.key AS key
WHERE key > $after
RETURN key
ORDER BY key
LIMIT $page_size
