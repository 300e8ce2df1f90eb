// The graph's data revision token: none before the first write.
MATCH (revision:Revision {name: 'data'})
RETURN revision.token AS token
