// Revenue and gross profit (integer cents) of the bookings attributed to each organisation in $keys in the periods
// $periods (a list of `YYYY-MM`): one row per organisation with at least one such booking. A list, not a range:
// FalkorDB 4.16 answers range comparisons on indexed strings wrongly, equality is right on both engines.
// The organisation is matched first and the bookings from it: FalkorDB would otherwise scan every booking per key.
// toInteger: FalkorDB sums integers as doubles and answers a double with 15 significant digits only (a sum past
// 10^15 cents lost its last cents); as an integer the sum is exact up to 2^53 cents. Neo4j sums integers exactly.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
WITH organisation
MATCH (organisation)<-[:ATTRIBUTED_TO]-(booking:Booking)
WHERE booking.period IN $periods
RETURN organisation.key AS key,
       toInteger(sum(booking.revenue)) AS revenue,
       toInteger(sum(coalesce(booking.gross_profit, 0))) AS gross_profit
