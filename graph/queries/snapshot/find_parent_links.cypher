// Every PARENT_OF link of the graph, every period of it, as four lists of the same length: the parent's and the
// child's key and the first and last day (day numbers, both inclusive; an open end as $open_start or $open_end, as
// collect leaves out nulls, which would shift the lists against each other).
MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation)
RETURN collect(parent.key) AS parents,
       collect(child.key) AS children,
       collect(coalesce(link.valid_from, $open_start)) AS valid_from,
       collect(coalesce(link.valid_to, $open_end)) AS valid_to
