// Every MEMBER_OF link from the organisations with the given keys ($keys, one page) to an association.
UNWIND $keys AS key
MATCH (member:Organisation {key: key})
MATCH (member)-[link:MEMBER_OF]->(association:Organisation)
RETURN member.key AS member_key, association.key AS association_key, properties(link) AS props
