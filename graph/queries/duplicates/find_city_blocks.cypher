// Organisations in the same city (lower case, trimmed), with their names, for comparing names within each
// block: one row per city that several organisations share.
MATCH (organisation:Organisation)
WHERE organisation.city IS NOT NULL
WITH toLower(trim(organisation.city)) AS city,
     collect({key: organisation.key, name: organisation.name}) AS members
WHERE city <> '' AND size(members) > 1
RETURN city, members
