// The activities about the organisations in $keys that pass the filters, a page of them in order, each with its
// organisation, its owner and its contacts. A null filter lets everything through: $activities, only the activities
// with these keys; $statuses, $types, only these values; $first and $last, the days from and to (inclusive).
// The order is by rank, then key, where rank is the day number times $direction: -1 for the newest first, 1 for the
// oldest first. Only the activities ranked after ($after_rank, $after_key) are read, unless $after_rank is null, and
// at most $limit of them. One row per activity (per owner, on data with two), its contacts in a list of maps, one
// map with a null key when it has none.
UNWIND $keys AS organisation_key
// The organisation first, through its key index, then its activities: matched as one pattern (or two MATCH clauses
// in a row), FalkorDB scanned every activity per key, and a group's page timed out.
MATCH (organisation:Organisation {key: organisation_key})
WITH organisation
MATCH (organisation)<-[:ABOUT]-(activity:Activity)
WHERE ($activities IS NULL OR activity.key IN $activities)
  AND ($statuses IS NULL OR activity.status IN $statuses)
  AND ($types IS NULL OR activity.type IN $types)
  AND ($first IS NULL OR $first <= activity.date)
  AND ($last IS NULL OR activity.date <= $last)
WITH organisation, activity, $direction * activity.date AS rank
WHERE $after_rank IS NULL OR rank > $after_rank OR (rank = $after_rank AND activity.key > $after_key)
WITH organisation, activity, rank
ORDER BY rank, activity.key
LIMIT $limit
OPTIONAL MATCH (activity)-[:OWNED_BY]->(owner:User)
OPTIONAL MATCH (activity)-[:WITH]->(contact:Contact)
RETURN activity.key AS key, activity.type AS type, activity.status AS status, activity.date AS date,
       activity.subject AS subject, rank,
       organisation.key AS organisation_key, organisation.name AS organisation_name,
       owner.key AS owner_key, owner.name AS owner_name,
       collect({key: contact.key, first_name: contact.first_name, last_name: contact.last_name}) AS contacts
