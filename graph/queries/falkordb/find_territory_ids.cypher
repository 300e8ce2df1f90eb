// The engine's ids of the territories with the given keys, for links made by bulk insert (graph/store/falkordb_bulk.py),
// which names their ends by id. Keys that name no territory are left out.
UNWIND $keys AS key
MATCH (territory:Territory {key: key})
RETURN collect(key) AS keys, collect(id(territory)) AS ids
