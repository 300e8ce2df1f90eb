// Whether the organisations $from_key (the member) and $to_key (the association) exist, and the period of the
// MEMBER_OF link between them: one row; `linked` is false, and the period null, when there is no link.
OPTIONAL MATCH (member:Organisation {key: $from_key})
WITH count(member) AS members
OPTIONAL MATCH (association:Organisation {key: $to_key})
WITH members, count(association) AS associations
OPTIONAL MATCH (:Organisation {key: $from_key})-[link:MEMBER_OF]->(:Organisation {key: $to_key})
RETURN members > 0 AS from_found, associations > 0 AS to_found, link IS NOT NULL AS linked,
       link.valid_from AS first_day, link.valid_to AS last_day
