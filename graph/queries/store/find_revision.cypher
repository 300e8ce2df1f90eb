// The graph's data revision: its token and sequence number, none before the first write.
MATCH (revision:Revision {name: 'data'})
RETURN revision.token AS token, coalesce(revision.sequence, 0) AS sequence
