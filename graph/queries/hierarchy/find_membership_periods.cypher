// Every stored MEMBER_OF link of each organisation in $keys as the member, whatever its dates: one row per link.
UNWIND $keys AS key
MATCH (:Organisation {key: key})-[link:MEMBER_OF]->(association:Organisation)
RETURN key AS member, association.key AS association, link.valid_from AS valid_from, link.valid_to AS valid_to
