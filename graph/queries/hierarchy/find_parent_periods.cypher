// Every stored PARENT_OF period above each organisation in $keys, whatever its dates: one row per period.
UNWIND $keys AS key
MATCH (parent:Organisation)-[link:PARENT_OF]->(:Organisation {key: key})
RETURN key AS child, parent.key AS parent, link.kind AS kind, link.share AS share,
       link.valid_from AS valid_from, link.valid_to AS valid_to
