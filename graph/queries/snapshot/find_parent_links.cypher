// Every PARENT_OF link of the graph, every period of it, as four lists of the same length: the parent's and the
// child's key and the first and last day (`YYYY-MM-DD`, both inclusive; '-' for an open end, as collect leaves out
// nulls, which would shift the lists against each other).
MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation)
RETURN collect(parent.key) AS parents,
       collect(child.key) AS children,
       collect(coalesce(toString(link.valid_from), '-')) AS valid_from,
       collect(coalesce(toString(link.valid_to), '-')) AS valid_to
