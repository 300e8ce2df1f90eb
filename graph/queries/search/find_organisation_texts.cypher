// The key, name, country and VAT id of every organisation as four lists of the same length ('' for none, because
// collect() skips nulls): what the search index (graph/search.py) matches and orders.
MATCH (organisation:Organisation)
RETURN collect(organisation.key) AS keys,
       collect(organisation.name) AS names,
       collect(coalesce(organisation.country, '')) AS countries,
       collect(coalesce(organisation.vat_id, '')) AS vat_ids
