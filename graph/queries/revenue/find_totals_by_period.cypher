// Revenue and gross profit (integer cents) of the bookings attributed to the organisations in $keys, per period
// (`YYYY-MM`), over every period booked: one row per period. The organisation is matched first and the bookings
// from it: FalkorDB would otherwise scan every booking per key.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
WITH organisation
MATCH (organisation)<-[:ATTRIBUTED_TO]-(booking:Booking)
RETURN booking.period AS period, sum(booking.revenue) AS revenue, sum(coalesce(booking.gross_profit, 0)) AS gross_profit
