// How many links of the `accounts` kind are stored: a file of them into a graph that has none may be bulk inserted
// (graph/loading/loader.py). The engines answer this count without a scan, as long as the ends have no label.
MATCH ()-[link:HAS_ACCOUNT]->()
RETURN count(link) AS count
