// How many links of the `parents` kind (PARENT_OF between organisations) are stored: a file of them into a graph that
// has none may be bulk inserted (graph/loading/loader.py). The engines count every PARENT_OF without a scan (the ends
// have no label); the territories' few are subtracted.
MATCH ()-[link:PARENT_OF]->()
WITH count(link) AS links
OPTIONAL MATCH (:Territory)-[territory_link:PARENT_OF]->()
WITH links, count(territory_link) AS territory_links
RETURN links - territory_links AS count
