MATCH (user:User {key: $key})
RETURN user.key AS key, user.name AS name, user.role AS role
