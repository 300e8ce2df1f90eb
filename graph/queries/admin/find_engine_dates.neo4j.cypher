// Up to $batch_size links that hold a day as an engine date, the way crmgraph stored days before day numbers
// (graph/days.py): each with the element ids of its start node and of itself, and its dated properties as text
// (`YYYY-MM-DD`; a day number as its digits).
MATCH (start)-[link:PARENT_OF|MEMBER_OF|SUPPLIES|WORKS_AT|ASSIGNED_TO|SUBSTITUTES]->()
WHERE toString(link.valid_from) CONTAINS '-' OR toString(link.valid_to) CONTAINS '-'
   OR toString(link.since) CONTAINS '-' OR toString(link.until) CONTAINS '-'
WITH start, link
LIMIT $batch_size
RETURN elementId(start) AS start, elementId(link) AS link,
       {valid_from: toString(link.valid_from), valid_to: toString(link.valid_to),
        since: toString(link.since), until: toString(link.until)} AS days
