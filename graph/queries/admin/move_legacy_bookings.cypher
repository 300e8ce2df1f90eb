// Up to $batch_size bookings stored the way crmgraph stored them before BOOKED_FOR links: a `Booking` node
// BOOKED_ON its debtor account and ATTRIBUTED_TO its organisation becomes the BOOKED_FOR link from that account
// to that organisation, with its period and amounts, and the node goes. Return how many moved.
MATCH (booking:Booking)-[:BOOKED_ON]->(account:DebtorAccount)
MATCH (booking)-[:ATTRIBUTED_TO]->(organisation:Organisation)
WITH booking, account, organisation
LIMIT $batch_size
CREATE (account)-[:BOOKED_FOR {
  period: booking.period,
  revenue: booking.revenue,
  gross_profit: booking.gross_profit,
  currency: booking.currency
}]->(organisation)
DETACH DELETE booking
RETURN count(*) AS moved
