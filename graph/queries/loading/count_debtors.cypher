// How many nodes of the `debtors` kind are stored: a file of them into a graph that has none may be bulk inserted
// (graph/loading/loader.py). The engines answer this count without a scan.
MATCH (account:DebtorAccount)
RETURN count(account) AS count
