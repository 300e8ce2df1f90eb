// The next page of debtor accounts in number order: the first $page_size numbers after $after (give '' for the first page).
// Keyset paging: served in order by the unique index, so a page costs the same however far into the label it is.
MATCH (account:DebtorAccount)
WHERE account.number > $after
RETURN account.number AS key
ORDER BY key
LIMIT $page_size
