// Return those of the given keys that belong to a stored account.
UNWIND $keys AS key
MATCH (account:DebtorAccount {number: key})
RETURN account.number AS key
