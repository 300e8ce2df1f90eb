// Turn the ISO texts a bulk insert of parents stored (graph/store/falkordb_bulk.py: the binary format has no dates)
// into dates, on the PARENT_OF links into the given children (node ids: a child has few periods, a parent may have
// thousands of children) that still hold them: in the insert's transaction, so no reader sees a text.
UNWIND $targets AS id
MATCH ()-[link:PARENT_OF]->(child:Organisation)
WHERE id(child) = id AND (link.valid_from_text IS NOT NULL OR link.valid_to_text IS NOT NULL)
SET link.valid_from = date(link.valid_from_text), link.valid_to = date(link.valid_to_text),
    link.valid_from_text = null, link.valid_to_text = null
