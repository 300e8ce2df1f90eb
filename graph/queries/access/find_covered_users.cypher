// The users $user SUBSTITUTES for on $as_of (valid_from and valid_to inclusive, either empty = open): one row per
// cover, with the absent user's name and the cover's period.
MATCH (:User {key: $user})-[cover:SUBSTITUTES]->(absent:User)
WHERE (cover.valid_from IS NULL OR cover.valid_from <= $as_of)
  AND (cover.valid_to IS NULL OR $as_of <= cover.valid_to)
RETURN absent.key AS key, absent.name AS name, cover.valid_from AS valid_from, cover.valid_to AS valid_to
