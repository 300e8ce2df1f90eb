// The keys of the organisations ASSIGNED_TO one of the territories $territories, in one list: what the territories
// hold themselves (graph/visibility.py adds their descendants of the day from the snapshot's structure).
UNWIND $territories AS territory_key
MATCH (:Territory {key: territory_key})<-[:ASSIGNED_TO]-(holder:Organisation)
RETURN collect(DISTINCT holder.key) AS keys
