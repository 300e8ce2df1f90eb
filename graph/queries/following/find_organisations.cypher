// Which of the organisations $keys exist: what a snapshot following the graph's changes adds or removes.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN organisation.key AS key
