// The engine's ids of the debtor accounts with the given numbers, for links made by bulk insert
// (graph/store/falkordb_bulk.py), which names their ends by id. Numbers that name no account are left out.
UNWIND $keys AS key
MATCH (account:DebtorAccount {number: key})
RETURN collect(key) AS keys, collect(id(account)) AS ids
