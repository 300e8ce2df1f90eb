// The engine's ids of the contacts with the given keys, for links made by bulk insert (graph/store/falkordb_bulk.py),
// which names their ends by id. Keys that name no contact are left out.
UNWIND $keys AS key
MATCH (contact:Contact {key: key})
RETURN collect(key) AS keys, collect(id(contact)) AS ids
