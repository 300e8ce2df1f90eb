// How many activities about the organisations in $keys pass the filters of activities/find_activities (a null one
// lets everything through): only the keys in $activities, the statuses in $statuses, the types in $types, the days
// from $first to $last (inclusive).
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
RETURN count(activity) AS count
