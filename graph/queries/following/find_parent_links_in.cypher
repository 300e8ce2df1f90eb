// Every PARENT_OF period into one of the organisations $keys: the parent's and the child's key and the first and
// last day (day numbers, both inclusive; an open end as $open_start or $open_end, as the snapshot holds it).
UNWIND $keys AS key
MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation {key: key})
RETURN parent.key AS parent,
       child.key AS child,
       coalesce(link.valid_from, $open_start) AS valid_from,
       coalesce(link.valid_to, $open_end) AS valid_to
