// One batch of `territories` rows: upsert each territory by its key; when the row gives
// `parent_key`, make it the territory's one parent (none when empty). Return how many rows had each status.
// Columns a file leaves out keep their stored values (and the parent link); a new territory gets defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:Territory {key: row.key})
OPTIONAL MATCH (old)<-[:PARENT_OF]-(old_parent:Territory)
WITH row, old IS NULL AS created, properties(old) AS before, old_parent.key AS before_parent
MERGE (territory:Territory {key: row.key})
  ON CREATE SET territory += row.defaults
SET territory += row.props
FOREACH (clear IN row.clears | SET territory += clear)
WITH row, territory, created, before, before_parent, 'parent_key' IN keys(row) AS moves
OPTIONAL MATCH (territory)<-[link:PARENT_OF]-(other:Territory)
  WHERE moves AND (row.parent_key IS NULL OR other.key <> row.parent_key)
WITH row, territory, created, before, before_parent, moves, collect(link) AS stale
FOREACH (link IN stale | DELETE link)
WITH row, territory, created, before, before_parent, moves
OPTIONAL MATCH (parent:Territory {key: row.parent_key})
FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END | MERGE (p)-[:PARENT_OF]->(territory))
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(territory) AND (NOT moves OR coalesce(before_parent, '') = coalesce(row.parent_key, ''))
         THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
