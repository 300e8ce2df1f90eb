// Return every territory's key and its stored rule criteria (each a list, or null when not set).
MATCH (territory:Territory)
RETURN territory.key AS key,
       territory.countries AS countries,
       territory.postcode_prefixes AS postcode_prefixes,
       territory.postcode_ranges AS postcode_ranges,
       territory.industries AS industries
ORDER BY key
