// Organisations sharing a debtor account: one row per account that several organisations hold as `sold_to`.
MATCH (organisation:Organisation)-[holds:HAS_ACCOUNT]->(account:DebtorAccount)
WHERE coalesce(holds.role, 'sold_to') = 'sold_to'
WITH account, collect(DISTINCT organisation.key) AS keys
WHERE size(keys) > 1
RETURN account.number AS account, keys
