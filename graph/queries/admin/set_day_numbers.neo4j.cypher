// Store the day numbers of links that find_engine_dates found holding engine dates: one row per link, by the
// element ids of its start node and of itself, with its properties' day numbers.
UNWIND $rows AS row
MATCH (start)-[link]->()
WHERE elementId(start) = row.start AND elementId(link) = row.link
SET link += row.days
RETURN count(*) AS moved
