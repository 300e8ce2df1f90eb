// Return, per debtor number, the organisations that hold the account, with the role of each one's link.
UNWIND $numbers AS number
MATCH (holder:Organisation)-[link:HAS_ACCOUNT]->(:DebtorAccount {number: number})
RETURN number, collect(holder.key) AS holders, collect(link.role) AS roles
