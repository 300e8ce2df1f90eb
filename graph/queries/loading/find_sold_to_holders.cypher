// Return, per debtor number, the keys of the organisations that hold the account as `sold_to`.
UNWIND $numbers AS number
MATCH (holder:Organisation)-[:HAS_ACCOUNT {role: 'sold_to'}]->(:DebtorAccount {number: number})
RETURN number, collect(holder.key) AS holders
