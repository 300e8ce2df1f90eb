// Return the keys of every organisation, in pages of $batch_size keys, one page per row.
// Pages go by key lists, not key ranges: FalkorDB's index does not compare strings in order
// (`key < 'a'` misses keys), so a range of keys would not find every organisation.
MATCH (organisation:Organisation)
WITH collect(organisation.key) AS keys
UNWIND range(0, size(keys) - 1, $batch_size) AS start
RETURN keys[start..start + $batch_size] AS keys
