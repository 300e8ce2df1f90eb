// Every user whose role is one of $roles, with name and role.
MATCH (user:User)
WHERE user.role IN $roles
RETURN user.key AS key, user.name AS name, user.role AS role
