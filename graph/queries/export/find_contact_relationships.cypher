// Every RELATED_TO link from the contacts with the given keys ($keys, one page) to an organisation
// or a contact, with its properties (type, note).
UNWIND $keys AS key
MATCH (source:Contact {key: key})
MATCH (source)-[link:RELATED_TO]->(target)
WHERE target:Organisation OR target:Contact
RETURN source.key AS from_key, target.key AS to_key, properties(link) AS props
