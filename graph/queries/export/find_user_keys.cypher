// The next page of users in key order: the first $page_size keys after $after (give '' for the first page).
// Keyset paging: served in order by the unique index, so a page costs the same however far into the label it is.
MATCH (user:User)
WHERE user.key > $after
RETURN user.key AS key
ORDER BY key
LIMIT $page_size
