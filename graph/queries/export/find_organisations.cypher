// The organisations with the given keys ($keys, one page), with their properties.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
RETURN properties(organisation) AS props
