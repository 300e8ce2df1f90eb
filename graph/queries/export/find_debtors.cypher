// The debtor accounts with the given numbers ($keys, one page), with their properties.
UNWIND $keys AS number
MATCH (account:DebtorAccount {number: number})
RETURN properties(account) AS props
