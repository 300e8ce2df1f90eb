// Merge the organisation $duplicate into $survivor in this one query, so that it happens whole or not at all.
// No row when either does not exist. Otherwise one row: `merged`, the `conflicts` that stopped it (nothing is
// changed then), a `tally` of the links moved per type and direction, the properties copied and the
// survivor's `former_keys`. The rules are described in graph/duplicates.py.
MATCH (s:Organisation {key: $survivor})
MATCH (d:Organisation {key: $duplicate})
// The survivor's parents after the merge: its own, and the duplicate's unless one of its own has the same identity.
WITH s, d,
     [(own_parent)-[own_link:PARENT_OF]->(s)
       | {parent: own_parent.key, valid_from: own_link.valid_from, valid_to: own_link.valid_to}] AS own_parents,
     [(moving_parent)-[moving_link:PARENT_OF]->(d)
       | {parent: moving_parent.key, valid_from: moving_link.valid_from, valid_to: moving_link.valid_to}] AS moving_parents
WITH s, d, size(own_parents) AS own,
     own_parents + [moving IN moving_parents WHERE NOT any(kept IN own_parents
       WHERE kept.parent = moving.parent
         AND coalesce(kept.valid_from = moving.valid_from, kept.valid_from IS NULL AND moving.valid_from IS NULL))] AS parents
// Conflicts. (Each pattern comprehension names its own variables: FalkorDB 4.16 mixes up equal names.)
// A PARENT_OF or MEMBER_OF path between the two would become a cycle (a self-loop when it is one
// link); two parent links of the survivor, one of them moved, overlap on some day (both dates inclusive, an
// absent date is open); or the duplicate has a link of a type or direction this query does not move.
WITH s, d, {
       survivor_is_ancestor: size([(s)-[:PARENT_OF*1..]->(d) | 1]) > 0,
       duplicate_is_ancestor: size([(d)-[:PARENT_OF*1..]->(s) | 1]) > 0,
       survivor_is_member: size([(s)-[:MEMBER_OF*1..]->(d) | 1]) > 0,
       duplicate_is_member: size([(d)-[:MEMBER_OF*1..]->(s) | 1]) > 0,
       overlapping_parents: [i IN range(0, size(parents) - 1)
         WHERE any(j IN range(0, size(parents) - 1)
           WHERE i <> j AND (i >= own OR j >= own)
             AND coalesce(parents[i].valid_from <= parents[j].valid_to, true)
             AND coalesce(parents[j].valid_from <= parents[i].valid_to, true))
         | parents[i].parent],
       unmovable: [(d)-[outgoing]->()
                   WHERE NOT type(outgoing) IN ['PARENT_OF', 'MEMBER_OF', 'SUPPLIES', 'RELATED_TO', 'HAS_ACCOUNT', 'ASSIGNED_TO']
                   | type(outgoing)]
         + [(d)<-[incoming]-()
            WHERE NOT type(incoming) IN ['PARENT_OF', 'MEMBER_OF', 'SUPPLIES', 'RELATED_TO', 'WORKS_AT', 'BOOKED_FOR', 'ABOUT', 'FOR']
            | type(incoming)]
     } AS conflicts
WITH s, d, conflicts,
     NOT (conflicts.survivor_is_ancestor OR conflicts.duplicate_is_ancestor OR conflicts.survivor_is_member
          OR conflicts.duplicate_is_member OR size(conflicts.overlapping_parents) > 0 OR size(conflicts.unmovable) > 0) AS ok,
     // Links between the two that would become self-loops; DETACH DELETE removes them with the duplicate.
     size([(d)-[:SUPPLIES|RELATED_TO]-(s) | 1]) AS dropped

// Every block below collects the duplicate's links of one type and direction (none when not ok) with the
// survivor's link of the same identity, if any; then it creates the link on the survivor or, when the survivor
// has it already, collapses the two: the survivor's properties win and the duplicate's fill the gaps.

// PARENT_OF to children, identified by (parent, child, valid_from); the survivor's valid_to wins, even an open one.
OPTIONAL MATCH (d)-[old:PARENT_OF]->(other) WHERE ok
OPTIONAL MATCH (s)-[same:PARENT_OF]->(other)
  WHERE coalesce(same.valid_from = old.valid_from, same.valid_from IS NULL AND old.valid_from IS NULL)
WITH s, d, ok, conflicts, dropped,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:PARENT_OF]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept SET same.valid_to = link.kept.valid_to))
WITH s, d, ok, conflicts, dropped,
     [{type: 'PARENT_OF', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// PARENT_OF from parents, the same way.
OPTIONAL MATCH (d)<-[old:PARENT_OF]-(other) WHERE ok
OPTIONAL MATCH (s)<-[same:PARENT_OF]-(other)
  WHERE coalesce(same.valid_from = old.valid_from, same.valid_from IS NULL AND old.valid_from IS NULL)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:PARENT_OF]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept SET same.valid_to = link.kept.valid_to))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'PARENT_OF', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// MEMBER_OF to associations, identified by its two ends; a collapsed link spans both periods.
OPTIONAL MATCH (d)-[old:MEMBER_OF]->(other) WHERE ok
OPTIONAL MATCH (s)-[same:MEMBER_OF]->(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:MEMBER_OF]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.valid_from = CASE WHEN link.kept.valid_from IS NULL OR link.old.valid_from IS NULL THEN NULL
                               WHEN link.old.valid_from < link.kept.valid_from THEN link.old.valid_from
                               ELSE link.kept.valid_from END,
        same.valid_to = CASE WHEN link.kept.valid_to IS NULL OR link.old.valid_to IS NULL THEN NULL
                             WHEN link.old.valid_to > link.kept.valid_to THEN link.old.valid_to
                             ELSE link.kept.valid_to END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'MEMBER_OF', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// MEMBER_OF from members, the same way.
OPTIONAL MATCH (d)<-[old:MEMBER_OF]-(other) WHERE ok
OPTIONAL MATCH (s)<-[same:MEMBER_OF]-(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:MEMBER_OF]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.valid_from = CASE WHEN link.kept.valid_from IS NULL OR link.old.valid_from IS NULL THEN NULL
                               WHEN link.old.valid_from < link.kept.valid_from THEN link.old.valid_from
                               ELSE link.kept.valid_from END,
        same.valid_to = CASE WHEN link.kept.valid_to IS NULL OR link.old.valid_to IS NULL THEN NULL
                             WHEN link.old.valid_to > link.kept.valid_to THEN link.old.valid_to
                             ELSE link.kept.valid_to END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'MEMBER_OF', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// SUPPLIES to customers, identified by its two ends; a collapsed link spans both periods (since .. until).
OPTIONAL MATCH (d)-[old:SUPPLIES]->(other) WHERE ok AND other <> s
OPTIONAL MATCH (s)-[same:SUPPLIES]->(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:SUPPLIES]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.since = CASE WHEN link.kept.since IS NULL OR link.old.since IS NULL THEN NULL
                          WHEN link.old.since < link.kept.since THEN link.old.since
                          ELSE link.kept.since END,
        same.until = CASE WHEN link.kept.until IS NULL OR link.old.until IS NULL THEN NULL
                          WHEN link.old.until > link.kept.until THEN link.old.until
                          ELSE link.kept.until END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'SUPPLIES', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// SUPPLIES from suppliers, the same way.
OPTIONAL MATCH (d)<-[old:SUPPLIES]-(other) WHERE ok AND other <> s
OPTIONAL MATCH (s)<-[same:SUPPLIES]-(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:SUPPLIES]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.since = CASE WHEN link.kept.since IS NULL OR link.old.since IS NULL THEN NULL
                          WHEN link.old.since < link.kept.since THEN link.old.since
                          ELSE link.kept.since END,
        same.until = CASE WHEN link.kept.until IS NULL OR link.old.until IS NULL THEN NULL
                          WHEN link.old.until > link.kept.until THEN link.old.until
                          ELSE link.kept.until END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'SUPPLIES', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// RELATED_TO to organisations and contacts, identified by its two ends and its `type`.
OPTIONAL MATCH (d)-[old:RELATED_TO]->(other) WHERE ok AND other <> s
OPTIONAL MATCH (s)-[same:RELATED_TO]->(other) WHERE same.type = old.type
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:RELATED_TO]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'RELATED_TO', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// RELATED_TO from organisations and contacts, the same way.
OPTIONAL MATCH (d)<-[old:RELATED_TO]-(other) WHERE ok AND other <> s
OPTIONAL MATCH (s)<-[same:RELATED_TO]-(other) WHERE same.type = old.type
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:RELATED_TO]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'RELATED_TO', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// HAS_ACCOUNT to debtor accounts, identified by its two ends; the survivor's role wins.
OPTIONAL MATCH (d)-[old:HAS_ACCOUNT]->(other) WHERE ok
OPTIONAL MATCH (s)-[same:HAS_ACCOUNT]->(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:HAS_ACCOUNT]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'HAS_ACCOUNT', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// ASSIGNED_TO territories, identified by its two ends; a `manual` assignment wins over a `rule` one.
OPTIONAL MATCH (d)-[old:ASSIGNED_TO]->(other) WHERE ok
OPTIONAL MATCH (s)-[same:ASSIGNED_TO]->(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)-[new:ASSIGNED_TO]->(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.source = CASE WHEN link.old.source = 'manual' THEN 'manual' ELSE same.source END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'ASSIGNED_TO', direction: 'out', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// WORKS_AT from contacts, identified by its two ends; a collapsed job spans both periods (since .. until)
// and is the main contact when either was.
OPTIONAL MATCH (d)<-[old:WORKS_AT]-(other) WHERE ok
OPTIONAL MATCH (s)<-[same:WORKS_AT]-(other)
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same, kept: properties(same)} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:WORKS_AT]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same += properties(link.old) SET same += link.kept
    SET same.since = CASE WHEN link.kept.since IS NULL OR link.old.since IS NULL THEN NULL
                          WHEN link.old.since < link.kept.since THEN link.old.since
                          ELSE link.kept.since END,
        same.until = CASE WHEN link.kept.until IS NULL OR link.old.until IS NULL THEN NULL
                          WHEN link.old.until > link.kept.until THEN link.old.until
                          ELSE link.kept.until END,
        same.is_main_contact = coalesce(link.kept.is_main_contact, false) OR coalesce(link.old.is_main_contact, false)))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'WORKS_AT', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// BOOKED_FOR from debtor accounts: the bookings attributed to the duplicate, identified by account and period.
// When the survivor has a booking of the same account and period already, the amounts are summed into it:
// both are real money, and each amount stays attributed to exactly one organisation.
OPTIONAL MATCH (d)<-[old:BOOKED_FOR]-(other) WHERE ok
OPTIONAL MATCH (s)<-[same:BOOKED_FOR]-(other) WHERE same.period = old.period
WITH s, d, ok, conflicts, dropped, tally,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {old: old, other: other, same: same} END) AS links
FOREACH (link IN links |
  FOREACH (other IN CASE WHEN link.same IS NULL THEN [link.other] ELSE [] END |
    CREATE (s)<-[new:BOOKED_FOR]-(other) SET new = properties(link.old))
  FOREACH (same IN CASE WHEN link.same IS NULL THEN [] ELSE [link.same] END |
    SET same.revenue = same.revenue + link.old.revenue,
        same.gross_profit = CASE WHEN same.gross_profit IS NULL AND link.old.gross_profit IS NULL THEN NULL
                                 ELSE coalesce(same.gross_profit, 0) + coalesce(link.old.gross_profit, 0) END))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'BOOKED_FOR', direction: 'in', moved: size(links), collapsed: size([link IN links WHERE link.same IS NOT NULL])}] AS tally

// ABOUT from activities and FOR from opportunities: each is about one organisation, so it moves whole.
OPTIONAL MATCH (d)<-[:ABOUT]-(activity:Activity) WHERE ok
WITH s, d, ok, conflicts, dropped, tally, collect(activity) AS activities
FOREACH (activity IN activities | CREATE (s)<-[:ABOUT]-(activity))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'ABOUT', direction: 'in', moved: size(activities), collapsed: 0}] AS tally
OPTIONAL MATCH (d)<-[:FOR]-(opportunity:Opportunity) WHERE ok
WITH s, d, ok, conflicts, dropped, tally, collect(opportunity) AS opportunities
FOREACH (opportunity IN opportunities | CREATE (s)<-[:FOR]-(opportunity))
WITH s, d, ok, conflicts, dropped,
     tally + [{type: 'FOR', direction: 'in', moved: size(opportunities), collapsed: 0}] AS tally

// Last, the duplicate goes, and the survivor takes the properties it lacks and the duplicate's keys (never its
// own: a duplicate re-created under a merged key may become a survivor).
WITH s, d, ok, conflicts, dropped, tally, properties(s) AS kept, d {.*, key: s.key} AS taken, d.key AS gone
FOREACH (duplicate IN CASE WHEN ok THEN [d] ELSE [] END | DETACH DELETE duplicate)
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET s += taken
  SET s += kept
  SET s.former_keys = reduce(acc = [], former IN coalesce(kept.former_keys, []) + [gone] + coalesce(taken.former_keys, [])
                             | CASE WHEN former IN acc OR former = s.key THEN acc ELSE acc + [former] END))
RETURN ok AS merged, conflicts, tally, dropped,
       CASE WHEN ok THEN [name IN keys(taken) WHERE NOT name IN keys(kept) AND name <> 'former_keys'] ELSE [] END AS copied,
       coalesce(s.former_keys, []) AS former_keys
