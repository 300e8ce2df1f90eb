// One batch of `memberships` rows: upsert the MEMBER_OF link between the two ends; return how many rows had each status.
// Columns a file leaves out keep their stored values; a new link gets their defaults.
UNWIND $rows AS row
MATCH (member:Organisation {key: row.member_key})
MATCH (association:Organisation {key: row.association_key})
OPTIONAL MATCH (member)-[old:MEMBER_OF]->(association)
WITH row, member, association, old IS NULL AS created, properties(old) AS before
MERGE (member)-[link:MEMBER_OF]->(association)
  ON CREATE SET link += row.defaults
SET link += row.props
FOREACH (clear IN row.clears | SET link += clear)
WITH row,
     CASE
       WHEN created THEN 'created'
       WHEN before = properties(link) THEN 'unchanged'
       ELSE 'updated'
     END AS status
RETURN status, count(*) AS count
