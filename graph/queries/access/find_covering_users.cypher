// Who SUBSTITUTES on $as_of for each user in $users (valid_from and valid_to inclusive, either empty = open): one
// row per cover, with the covering user's name and role and the cover's period.
UNWIND $users AS absent_key
MATCH (cover_user:User)-[cover:SUBSTITUTES]->(:User {key: absent_key})
WHERE (cover.valid_from IS NULL OR cover.valid_from <= $as_of)
  AND (cover.valid_to IS NULL OR $as_of <= cover.valid_to)
RETURN absent_key, cover_user.key AS key, cover_user.name AS name, cover_user.role AS role,
       cover.valid_from AS valid_from, cover.valid_to AS valid_to
