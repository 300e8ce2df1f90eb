// The next page of debtor accounts in number order: the first $page_size numbers after $after (give '' for the first page).
// FalkorDB (4.x) answers a range over a string index wrongly: `n.key > $x` and `n.key <= $x` miss nodes or
// return extra ones. The comparison is therefore on a projected value, which it evaluates as a filter after
// a label scan; each page then costs one scan of the label.
MATCH (account:DebtorAccount)
WITH account.number AS key
WHERE key > $after
RETURN key
ORDER BY key
LIMIT $page_size
