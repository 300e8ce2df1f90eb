// Give the graph's data a new revision token and the next sequence number, and record what the write changed of
// what the snapshot holds: every write runs this in its own transaction (graph/changes.py). A reader that holds
// something derived from the data sees that it is stale, and which organisations to read again.
MERGE (revision:Revision {name: 'data'})
// Removing a property the node lacks takes its write lock before it is read: two writes at once on Neo4j
// number their changes one after the other instead of both reading the same sequence.
REMOVE revision.locked
WITH revision, revision.token AS previous, coalesce(revision.sequence, 0) + 1 AS sequence
SET revision.token = $token, revision.sequence = sequence
CREATE (change:Change {sequence: sequence, token: $token, organisations: $organisations,
                       children_of: $children_of, territories: $territories, properties: $properties,
                       everything: $everything})
SET change.previous = previous
WITH change
// The graph keeps the last $kept records; one goes for each that comes.
OPTIONAL MATCH (old:Change {sequence: change.sequence - $kept})
DELETE old
