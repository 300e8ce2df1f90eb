// The parent territory (PARENT_OF between territories, no dates) of each territory in $keys: one row per link,
// with the parent's name. One level of a walk up the territory hierarchy.
UNWIND $keys AS key
MATCH (parent:Territory)-[:PARENT_OF]->(:Territory {key: key})
RETURN key AS child, parent.key AS key, parent.name AS name
