// The RELATED_TO links of the organisation $key in both directions, to and from organisations and contacts,
// of the type $type (null: every type); no row when no organisation has the key. Each other end comes with its
// label, its name (an organisation) or first and last name (a contact). The two pattern comprehensions name
// their variables differently: FalkorDB confuses same-named ones.
MATCH (organisation:Organisation {key: $key})
RETURN [(organisation)-[outgoing:RELATED_TO]->(target)
         WHERE (target:Organisation OR target:Contact) AND ($type IS NULL OR outgoing.type = $type)
         | {key: target.key, label: CASE WHEN target:Contact THEN 'Contact' ELSE 'Organisation' END,
            name: target.name, first_name: target.first_name, last_name: target.last_name,
            type: outgoing.type, note: outgoing.note}] AS outgoing,
       [(source)-[incoming:RELATED_TO]->(organisation)
         WHERE (source:Organisation OR source:Contact) AND ($type IS NULL OR incoming.type = $type)
         | {key: source.key, label: CASE WHEN source:Contact THEN 'Contact' ELSE 'Organisation' END,
            name: source.name, first_name: source.first_name, last_name: source.last_name,
            type: incoming.type, note: incoming.note}] AS incoming
