// How many bookings are stored the way crmgraph stored them before BOOKED_FOR links: as `Booking` nodes.
MATCH (booking:Booking)
RETURN count(booking) AS legacy
