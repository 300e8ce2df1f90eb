// Organisations sharing a VAT id: one row per normalised VAT id (upper case, no blanks, dots or dashes)
// that several organisations hold.
MATCH (organisation:Organisation)
WHERE organisation.vat_id IS NOT NULL
WITH toUpper(replace(replace(replace(organisation.vat_id, ' ', ''), '.', ''), '-', '')) AS vat_id,
     collect(organisation.key) AS keys
WHERE vat_id <> '' AND size(keys) > 1
RETURN vat_id, keys
