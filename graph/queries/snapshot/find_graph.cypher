// What the snapshot (graph/snapshot.py) holds, read in one query so that it is one consistent state of the graph,
// with the revision token of that state: the key of every organisation; every PARENT_OF link, every period of it,
// as four lists of the same length (parent key, child key, first and last day `YYYY-MM-DD` both inclusive, '' for an
// open end); every booking as four lists (attributed organisation's key, period, revenue and gross profit in integer
// cents, 0 for none).
// Each stage aggregates to one row before the next matches: no stage multiplies another's rows. Without a link or a
// booking, OPTIONAL MATCH gives one row of nulls, which the filters on the collected rows leave out (collect alone
// would keep its coalesced open ends and shift the lists against each other).
OPTIONAL MATCH (revision:Revision {name: 'data'})
WITH revision.token AS token
OPTIONAL MATCH (organisation:Organisation)
WITH token, collect(organisation.key) AS keys
OPTIONAL MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation)
WITH token, keys,
     [found IN collect([parent.key, child.key, coalesce(toString(link.valid_from), ''),
                        coalesce(toString(link.valid_to), '')])
      WHERE found[0] IS NOT NULL] AS links
OPTIONAL MATCH (booking:Booking)-[:ATTRIBUTED_TO]->(attributed:Organisation)
WITH token, keys, links,
     [found IN collect([attributed.key, booking.period, booking.revenue, coalesce(booking.gross_profit, 0)])
      WHERE found[0] IS NOT NULL] AS bookings
RETURN token, keys,
       [link IN links | link[0]] AS parents,
       [link IN links | link[1]] AS children,
       [link IN links | link[2]] AS valid_from,
       [link IN links | link[3]] AS valid_to,
       [booking IN bookings | booking[0]] AS booked_keys,
       [booking IN bookings | booking[1]] AS periods,
       [booking IN bookings | booking[2]] AS revenue,
       [booking IN bookings | booking[3]] AS gross_profit
