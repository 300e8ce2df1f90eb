// Store the day numbers of links that find_engine_dates found holding engine dates: one row per link, by the
// engine ids of its start node (a lookup by node id is direct) and of itself, with its properties' day numbers.
UNWIND $rows AS row
MATCH (start)-[link]->()
WHERE id(start) = row.start AND id(link) = row.link
SET link += row.days
RETURN count(*) AS moved
