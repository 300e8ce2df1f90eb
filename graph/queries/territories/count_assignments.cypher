// How many ASSIGNED_TO links are stored, of any source and from any node. The engines answer this count without a
// scan, as long as the ends have no label: with no rule to match and no link, the rules have nothing to do.
MATCH ()-[link:ASSIGNED_TO]->()
RETURN count(link) AS count
