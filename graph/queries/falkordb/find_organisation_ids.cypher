// The engine's ids of the organisations with the given keys, for links made by bulk insert (graph/store/falkordb_bulk.py),
// which names their ends by id. Keys that name no organisation are left out.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN collect(key) AS keys, collect(id(organisation)) AS ids
