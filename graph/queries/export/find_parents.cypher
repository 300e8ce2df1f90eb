// Every PARENT_OF period from the organisations with the given keys ($keys, one page) to their children.
UNWIND $keys AS key
MATCH (parent:Organisation {key: key})
MATCH (parent)-[link:PARENT_OF]->(child:Organisation)
RETURN parent.key AS parent_key, child.key AS child_key, properties(link) AS props
