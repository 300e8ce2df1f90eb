// Every PARENT_OF period out of one of the organisations $keys (those a merge named `children_of`), as
// find_parent_links_in returns them; the caller leaves out those into an organisation it read the links into.
UNWIND $keys AS key
MATCH (parent:Organisation {key: key})-[link:PARENT_OF]->(child:Organisation)
RETURN parent.key AS parent,
       child.key AS child,
       coalesce(link.valid_from, $open_start) AS valid_from,
       coalesce(link.valid_to, $open_end) AS valid_to
