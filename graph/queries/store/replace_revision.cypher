// Give the graph's data a new revision token: every write runs this in its own transaction, so a reader that holds
// something derived from the data (graph/snapshot.py) sees that it is stale.
MERGE (revision:Revision {name: 'data'})
SET revision.token = $token
