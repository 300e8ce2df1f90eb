// Every booking attributed to one of the organisations $keys: its key, the period, and the revenue and gross
// profit in integer cents (0 for none), as the snapshot's ledger sums them.
UNWIND $keys AS key
MATCH (:DebtorAccount)-[booking:BOOKED_FOR]->(organisation:Organisation {key: key})
RETURN organisation.key AS key,
       booking.period AS period,
       booking.revenue AS revenue,
       coalesce(booking.gross_profit, 0) AS gross_profit
