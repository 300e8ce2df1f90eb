// The next page of relationship types in type order: the first $page_size types after $after (give '' for the first page).
// Keyset paging: served in order by the unique index, so a page costs the same however far into the label it is.
MATCH (relationship_type:RelationshipType)
WHERE relationship_type.type > $after
RETURN relationship_type.type AS key
ORDER BY key
LIMIT $page_size
