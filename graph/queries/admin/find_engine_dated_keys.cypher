// The API keys revoked on a day stored as an engine date, the way crmgraph stored days before day numbers
// (graph/days.py): each key's hash and that day's year, month and day.
MATCH (api_key:ApiKey)
WHERE toString(api_key.revoked_on) CONTAINS '-'
RETURN api_key.hash AS hash, api_key.revoked_on.year AS year, api_key.revoked_on.month AS month,
       api_key.revoked_on.day AS day
