// The change records after sequence number $since, oldest first (graph/changes.py).
MATCH (change:Change)
  WHERE change.sequence > $since
RETURN change.sequence AS sequence,
       change.previous AS previous,
       change.token AS token,
       change.organisations AS organisations,
       change.children_of AS children_of,
       change.territories AS territories,
       change.properties AS properties,
       change.everything AS everything
ORDER BY sequence
