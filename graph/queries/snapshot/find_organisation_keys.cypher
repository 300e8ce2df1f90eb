// The key of every organisation, in one list: what the snapshot (graph/snapshot.py) numbers organisations by.
MATCH (organisation:Organisation)
RETURN collect(organisation.key) AS keys
