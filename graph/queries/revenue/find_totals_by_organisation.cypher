// Revenue and gross profit (integer cents) of the bookings attributed to each organisation in $keys in the periods
// $periods (a list of `YYYY-MM`): one row per organisation with at least one such booking. A list, not a range:
// FalkorDB 4.16 answers range comparisons on indexed strings wrongly, equality is right on both engines.
// The organisation is matched first and the bookings from it: FalkorDB would otherwise scan every booking per key.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
WITH organisation
MATCH (organisation)<-[:ATTRIBUTED_TO]-(booking:Booking)
WHERE booking.period IN $periods
RETURN organisation.key AS key, sum(booking.revenue) AS revenue, sum(coalesce(booking.gross_profit, 0)) AS gross_profit
