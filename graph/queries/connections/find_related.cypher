// The RELATED_TO links of the organisation $key in both directions, to and from organisations and contacts,
// of the type $type (null: every type): one row per link, with the direction, the other end's label and its
// name (an organisation) or first and last name (a contact). Each direction gives one row with a null key when it
// has no link; no row at all when no organisation has the key. Rows, not pattern comprehensions: FalkorDB 4.16
// gave comprehensions of this query null types and lost links now and then.
MATCH (organisation:Organisation {key: $key})
OPTIONAL MATCH (organisation)-[link:RELATED_TO]->(other)
  WHERE (other:Organisation OR other:Contact) AND ($type IS NULL OR link.type = $type)
RETURN 'outgoing' AS direction, other.key AS key,
       CASE WHEN other:Contact THEN 'Contact' ELSE 'Organisation' END AS label,
       other.name AS name, other.first_name AS first_name, other.last_name AS last_name,
       link.type AS type, link.note AS note
UNION ALL
MATCH (organisation:Organisation {key: $key})
OPTIONAL MATCH (other)-[link:RELATED_TO]->(organisation)
  WHERE (other:Organisation OR other:Contact) AND ($type IS NULL OR link.type = $type)
RETURN 'incoming' AS direction, other.key AS key,
       CASE WHEN other:Contact THEN 'Contact' ELSE 'Organisation' END AS label,
       other.name AS name, other.first_name AS first_name, other.last_name AS last_name,
       link.type AS type, link.note AS note
