// The organisation $key with every stored PARENT_OF period above it, whatever its dates: one row per period;
// one row with a null parent when it has none; no row when no organisation has the key.
MATCH (child:Organisation {key: $key})
OPTIONAL MATCH (parent:Organisation)-[link:PARENT_OF]->(child)
RETURN parent.key AS parent, link.kind AS kind, link.share AS share,
       link.valid_from AS valid_from, link.valid_to AS valid_to
