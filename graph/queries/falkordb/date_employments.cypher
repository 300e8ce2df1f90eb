// Turn the ISO texts a bulk insert of employments stored (graph/store/falkordb_bulk.py: the binary format has no
// dates) into dates, on the WORKS_AT links of the given contacts (node ids: a contact has few) that still hold them:
// in the insert's transaction, so no reader sees a text.
UNWIND $sources AS id
MATCH (contact:Contact)-[link:WORKS_AT]->()
WHERE id(contact) = id AND (link.since_text IS NOT NULL OR link.until_text IS NOT NULL)
SET link.since = date(link.since_text), link.until = date(link.until_text), link.since_text = null, link.until_text = null
