// The next page of opportunities in key order: the first $page_size keys after $after (give '' for the first page).
// Keyset paging: served in order by the unique index, so a page costs the same however far into the label it is.
MATCH (opportunity:Opportunity)
WHERE opportunity.key > $after
RETURN opportunity.key AS key
ORDER BY key
LIMIT $page_size
