// Revenue and gross profit (integer cents) of the bookings in the periods $periods (a list of `YYYY-MM`, matched by
// equality: see find_totals_by_organisation), per attributed organisation, over the whole graph: three lists of the
// same length (keys, revenue, gross profit), one entry per organisation with such a booking. For ranking every group.
// toInteger: FalkorDB sums integers as doubles and answers a double with 15 significant digits only (a sum past
// 10^15 cents lost its last cents); as an integer the sum is exact up to 2^53 cents. Neo4j sums integers exactly.
MATCH (booking:Booking)
WHERE booking.period IN $periods
MATCH (booking)-[:ATTRIBUTED_TO]->(organisation:Organisation)
WITH organisation.key AS key,
     toInteger(sum(booking.revenue)) AS revenue,
     toInteger(sum(coalesce(booking.gross_profit, 0))) AS gross_profit
RETURN collect(key) AS keys, collect(revenue) AS revenue, collect(gross_profit) AS gross_profit
