// Store the day numbers of the revocation days that find_engine_dated_keys found as engine dates, by key hash.
UNWIND $rows AS row
MATCH (api_key:ApiKey {hash: row.hash})
SET api_key.revoked_on = row.revoked_on
RETURN count(*) AS moved
