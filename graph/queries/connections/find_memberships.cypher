// The MEMBER_OF links valid on $as_of between the ends of each pair in $pairs ({member, association}):
// each end as {key, name, kind} (an organisation without a kind is a company), and the link's validity.
// Both ends are found by key before the link between them (the WITHs keep FalkorDB from walking every link of
// one end: an association may have 100,000 members).
UNWIND $pairs AS pair
MATCH (member:Organisation {key: pair.member})
WITH pair, member
MATCH (association:Organisation {key: pair.association})
WITH member, association
MATCH (member)-[link:MEMBER_OF]->(association)
WHERE (link.valid_from IS NULL OR link.valid_from <= $as_of)
  AND (link.valid_to IS NULL OR $as_of <= link.valid_to)
RETURN {key: member.key, name: member.name, kind: coalesce(member.kind, 'company')} AS member,
       {key: association.key, name: association.name, kind: coalesce(association.kind, 'company')} AS association,
       link.valid_from AS valid_from, link.valid_to AS valid_to
