// Organisations at the same postcode (upper case, no blanks), with their names, for comparing names
// within each block: one row per postcode that several organisations share.
MATCH (organisation:Organisation)
WHERE organisation.postcode IS NOT NULL
WITH toUpper(replace(organisation.postcode, ' ', '')) AS postcode,
     collect({key: organisation.key, name: organisation.name}) AS members
WHERE postcode <> '' AND size(members) > 1
RETURN postcode, members
