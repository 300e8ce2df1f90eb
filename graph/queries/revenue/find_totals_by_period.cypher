// Revenue and gross profit (integer cents) of the bookings attributed to the organisations in $keys, per period
// (`YYYY-MM`), over every period booked: one row per period. The organisation is matched first and the bookings
// from it: FalkorDB would otherwise scan every booking per key.
// toInteger: FalkorDB sums integers as doubles and answers a double with 15 significant digits only (a sum past
// 10^15 cents lost its last cents); as an integer the sum is exact up to 2^53 cents. Neo4j sums integers exactly.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
WITH organisation
MATCH (organisation)<-[:ATTRIBUTED_TO]-(booking:Booking)
RETURN booking.period AS period,
       toInteger(sum(booking.revenue)) AS revenue,
       toInteger(sum(coalesce(booking.gross_profit, 0))) AS gross_profit
