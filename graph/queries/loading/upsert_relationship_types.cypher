// One batch of `relationship_types` rows: upsert each relationship type by its type; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new relationship type gets their defaults.
UNWIND $rows AS row
OPTIONAL MATCH (old:RelationshipType {type: row.key})
WITH row, old IS NULL AS created, properties(old) AS before
MERGE (relationship_type:RelationshipType {type: row.key})
  ON CREATE SET relationship_type += row.defaults
SET relationship_type += row.props
FOREACH (clear IN row.clears | SET relationship_type += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(relationship_type) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
