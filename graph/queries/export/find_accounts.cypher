// Every HAS_ACCOUNT link of the organisations with the given keys ($keys, one page).
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
MATCH (organisation)-[link:HAS_ACCOUNT]->(account:DebtorAccount)
RETURN organisation.key AS organisation_key, account.number AS debtor_number, properties(link) AS props
