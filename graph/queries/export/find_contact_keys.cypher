// The next page of contacts in key order: the first $page_size keys after $after (give '' for the first page).
// Keyset paging: served in order by the unique index, so a page costs the same however far into the label it is.
MATCH (contact:Contact)
WHERE contact.key > $after
RETURN contact.key AS key
ORDER BY key
LIMIT $page_size
