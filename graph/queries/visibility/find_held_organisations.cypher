// The organisations the territories $territories hold on $as_of: those ASSIGNED_TO one of them and, with $inherit,
// every PARENT_OF descendant of those on $as_of (each link valid that day; dates inclusive, an empty one open).
// One row with the keys, in one list. The way down is a variable-length path filtered link by link (see
// find_visible_organisations).
UNWIND $territories AS territory_key
MATCH (:Territory {key: territory_key})<-[:ASSIGNED_TO]-(holder:Organisation)
OPTIONAL MATCH path = (holder)-[:PARENT_OF*1..]->(below:Organisation)
  WHERE $inherit
    AND all(link IN relationships(path)
            WHERE (link.valid_from IS NULL OR link.valid_from <= date($as_of))
              AND (link.valid_to IS NULL OR date($as_of) <= link.valid_to))
WITH collect(DISTINCT holder.key) AS holders, collect(DISTINCT below.key) AS inherited
RETURN holders + [key IN inherited WHERE NOT key IN holders] AS keys
