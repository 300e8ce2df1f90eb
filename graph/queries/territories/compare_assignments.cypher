// For each organisation of $keys, compare the territories whose rules it matches ($territories) with
// its current rule-derived ASSIGNED_TO links. Return the organisations where they differ or that
// match more than one territory. Keys of no stored organisation are skipped.
UNWIND $keys AS key
MATCH (organisation:Organisation {key: key})
// A territory matches when the organisation meets every criterion the territory sets (a null
// criterion is not set), and within one criterion any listed value. A postcode range applies only to
// postcodes of its bounds' length, compared as strings: '01067' lies in '01000-59999'.
WITH organisation, organisation.country AS country, organisation.postcode AS postcode, organisation.industry AS industry
WITH organisation,
     [territory IN $territories WHERE
          (territory.countries IS NULL OR country IN territory.countries)
      AND (territory.postcode_prefixes IS NULL
           OR any(prefix IN territory.postcode_prefixes WHERE postcode STARTS WITH prefix))
      AND (territory.postcode_ranges IS NULL
           OR any(bounds IN territory.postcode_ranges WHERE size(postcode) = size(bounds.low)
                  AND size(postcode) = size(bounds.high) AND bounds.low <= postcode AND postcode <= bounds.high))
      AND (territory.industries IS NULL OR industry IN territory.industries)
      | territory.key] AS matched
// Manual wins over rules: an organisation with any link that is not `source: 'rule'` gets no rule-derived one.
OPTIONAL MATCH (organisation)-[link:ASSIGNED_TO]->(assigned:Territory)
WITH organisation, matched,
     collect(CASE WHEN link.source = 'rule' THEN assigned.key END) AS current,
     count(CASE WHEN link IS NOT NULL AND coalesce(link.source, 'manual') <> 'rule' THEN 1 END) AS manual
WITH organisation.key AS organisation_key, current, CASE WHEN manual > 0 THEN [] ELSE matched END AS target
WHERE size(target) > 1 OR size(target) <> size(current) OR any(territory_key IN target WHERE NOT territory_key IN current)
RETURN organisation_key, current, target
