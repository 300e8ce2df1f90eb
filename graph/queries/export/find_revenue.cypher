// Every booking on the debtor accounts with the given numbers ($keys, one page), with its properties and the
// organisation it is attributed to.
UNWIND $keys AS number
MATCH (account:DebtorAccount {number: number})-[booking:BOOKED_FOR]->(organisation:Organisation)
RETURN account.number AS debtor_number, organisation.key AS organisation_key, properties(booking) AS props
