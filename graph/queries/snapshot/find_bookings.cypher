// Every booking of the graph as four lists of the same length: the attributed organisation's key, the period, and
// the revenue and gross profit in integer cents (0 for none): what the snapshot's ledger sums.
MATCH (:DebtorAccount)-[booking:BOOKED_FOR]->(organisation:Organisation)
RETURN collect(organisation.key) AS booked_keys,
       collect(booking.period) AS periods,
       collect(booking.revenue) AS revenue,
       collect(coalesce(booking.gross_profit, 0)) AS gross_profit
