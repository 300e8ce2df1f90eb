"""Merging a duplicate into its survivor: every link moves, bookings are re-keyed or summed, keys resolve,
and a merge that would break a rule changes nothing."""

import datetime

import pytest

from graph import duplicates
from graph.errors import Conflict, InvalidInput, NotFound
from tests.duplicates.helpers import (
    add_organisations,
    bookings,
    link_properties,
    links,
    organisation,
    rows,
    snapshot,
    write,
)
from tests.helpers import load_rows

S, D = "S", "D"


def table(header: str, *lines: str) -> list[dict[str, str]]:
    """Return rows of a load file written as comma-separated lines under a header."""
    columns = header.split(",")
    return [dict(zip(columns, line.split(","), strict=True)) for line in lines]


@pytest.fixture
async def merge_case(store, tmp_path):
    """The duplicate D has links of every type; the survivor S has some of the same, and two links join the two."""
    await add_organisations(
        store,
        tmp_path,
        {"key": S, "name": "Survivor", "city": "Kiel"},
        {"key": D, "name": "Duplicate", "vat_id": "DE1", "postcode": "24103", "city": "Lübeck", "industry": "retail"},
        *({"key": key} for key in ("P", "C1", "C2", "A1", "A2", "M1", "X", "Y", "R1")),
    )
    load = {
        "parents": table(
            "parent_key,child_key,kind,valid_from,share",
            "P,D,legal,2015-01-01,60",
            "D,C1,branch,,",
            "D,C2,legal,2018-01-01,100",
        ),
        "memberships": table(
            "member_key,association_key,valid_from,valid_to",
            "D,A1,2019-01-01,",
            "D,A2,2010-01-01,2015-12-31",
            "S,A2,2012-01-01,2020-12-31",  # collapses
            "M1,D,,",
        ),
        "supplies": table("supplier_key,customer_key,note", "X,D,steel", "D,Y,", "D,S,becomes a self-loop"),
        "relationship_types": table("type", "consultant_of", "sister_of"),
        "contacts": table("key,last_name", "K1,Keller", "K2,Kurz", "K3,Krause"),
        "relationships": table(
            "from_key,to_key,type,note",
            "D,R1,sister_of,",
            "K3,D,consultant_of,since 2020",
            "S,D,sister_of,becomes a self-loop",
        ),
        "employments": table(
            "contact_key,organisation_key,role,since,until,is_main_contact",
            "K1,D,CFO,,,true",
            "K2,D,buyer,2015-01-01,,",
            "K2,S,head buyer,2018-01-01,2022-12-31,",  # collapses
        ),
        "territories": table("key,name", "T1,NORTH-1", "T2,NORTH-2"),
        "org_territories": table("organisation_key,territory_key", "D,T1", "D,T2"),
        "debtors": table("number,name", "100,D's account", "200,shared account"),
        "accounts": table("organisation_key,debtor_number,role", "D,100,sold_to", "D,200,sold_to", "S,200,payer"),
        "revenue": table(
            "debtor_number,period,revenue,gross_profit,organisation_key",
            "100,2024-01,10.00,,D",
            "200,2024-01,20.50,5.00,D",
            "200,2024-01,100.00,,S",  # the same debtor and period as D's: summed
            "200,2024-02,-3.00,-1.00,S",
        ),
    }
    for kind, rows_of_kind in load.items():
        await load_rows(store, tmp_path, kind, rows_of_kind)
    # Two parents of C2 is what duplicates look like, and what the loader rightly refuses: written directly.
    # It is the same link as D's, so it collapses.
    await write(
        store,
        "MATCH (s:Organisation {key: $s}), (c:Organisation {key: 'C2'}) "
        "CREATE (s)-[:PARENT_OF {kind: 'legal', valid_from: $valid_from}]->(c)",
        s=S,
        valid_from=datetime.date(2018, 1, 1),
    )
    # Make S's T2 a rule assignment to see the manual one win.
    await write(
        store,
        "MATCH (s:Organisation {key: $s}), (t:Territory {key: 'T2'}) CREATE (s)-[:ASSIGNED_TO {source: 'rule'}]->(t)",
        s=S,
    )


def renamed(link: tuple[str, str, str]) -> tuple[str, str, str]:
    source, kind, target = link
    return (S if source == D else source, kind, S if target == D else target)


async def test_merge_moves_every_link_of_the_duplicate_to_the_survivor(store, merge_case):
    before = await links(store)

    result = await duplicates.merge(store, survivor=S, duplicate=D)

    after = await links(store)
    # Every link keeps its type and other end, with S for D; the two links between S and D are gone.
    assert after == {renamed(link) for link in before} - {(S, "SUPPLIES", S), (S, "RELATED_TO", S)}
    assert not any(D in (source, target) for source, _, target in after)
    assert {kind for source, kind, target in before if D in (source, target)} == {
        "PARENT_OF", "MEMBER_OF", "SUPPLIES", "RELATED_TO", "WORKS_AT", "ASSIGNED_TO", "HAS_ACCOUNT",
    }  # fmt: skip
    assert not result.already_merged
    assert result.dropped == 2
    assert {(t.type, t.direction): (t.moved, t.collapsed) for t in result.links} == {
        ("PARENT_OF", "out"): (2, 1),
        ("PARENT_OF", "in"): (1, 0),
        ("MEMBER_OF", "out"): (2, 1),
        ("MEMBER_OF", "in"): (1, 0),
        ("SUPPLIES", "out"): (1, 0),
        ("SUPPLIES", "in"): (1, 0),
        ("RELATED_TO", "out"): (1, 0),
        ("RELATED_TO", "in"): (1, 0),
        ("HAS_ACCOUNT", "out"): (2, 1),
        ("ASSIGNED_TO", "out"): (2, 1),
        ("WORKS_AT", "in"): (2, 1),
        ("BOOKED_FOR", "in"): (2, 1),
        ("ABOUT", "in"): (0, 0),
        ("FOR", "in"): (0, 0),
    }
    assert result.moved("PARENT_OF") == 3


async def test_moved_links_keep_their_properties_and_collapsed_ones_combine(store, merge_case):
    await duplicates.merge(store, survivor=S, duplicate=D)

    props = await link_properties(store)

    def day(*parts: int) -> int:  # as stored: a day number (graph/days.py)
        return datetime.date(*parts).toordinal()

    assert props["P", "PARENT_OF", S] == [{"kind": "legal", "valid_from": day(2015, 1, 1), "share": 60.0}]
    assert props[S, "PARENT_OF", "C1"] == [{"kind": "branch"}]
    # Same identity (parent, child, valid_from): one link, S's properties first, D's share fills the gap.
    assert props[S, "PARENT_OF", "C2"] == [{"kind": "legal", "valid_from": day(2018, 1, 1), "share": 100.0}]
    # A collapsed membership spans both periods.
    assert props[S, "MEMBER_OF", "A2"] == [{"valid_from": day(2010, 1, 1), "valid_to": day(2020, 12, 31)}]
    assert props["M1", "MEMBER_OF", S] == [{}]
    assert props["X", "SUPPLIES", S] == [{"note": "steel"}]
    assert props[S, "RELATED_TO", "R1"] == [{"type": "sister_of"}]
    assert props["K3", "RELATED_TO", S] == [{"type": "consultant_of", "note": "since 2020"}]
    # A collapsed job spans both periods (open stays open), S's role wins.
    assert props["K2", "WORKS_AT", S] == [{"role": "head buyer", "since": day(2015, 1, 1), "is_main_contact": False}]
    assert props["K1", "WORKS_AT", S] == [{"role": "CFO", "is_main_contact": True}]
    assert props[S, "HAS_ACCOUNT", "200"] == [{"role": "payer"}]
    assert props[S, "HAS_ACCOUNT", "100"] == [{"role": "sold_to"}]
    assert props[S, "ASSIGNED_TO", "T2"][0]["source"] == "manual"


async def test_bookings_are_attributed_to_the_survivor_or_summed_into_its_booking(store, merge_case):
    assert await bookings(store) == {
        ("100|2024-01|D", D, 1000, None),
        ("200|2024-01|D", D, 2050, 500),
        ("200|2024-01|S", S, 10000, None),
        ("200|2024-02|S", S, -300, -100),
    }

    await duplicates.merge(store, survivor=S, duplicate=D)

    assert await bookings(store) == {
        ("100|2024-01|S", S, 1000, None),
        ("200|2024-01|S", S, 12050, 500),
        ("200|2024-02|S", S, -300, -100),
    }


async def test_activities_and_opportunities_about_the_duplicate_are_about_the_survivor(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "S"}, {"key": "D"})
    await load_rows(
        store,
        tmp_path / "activities",
        "activities",
        [
            {"key": "ACT-1", "type": "call", "status": "done", "date": "2024-01-02", "organisation_key": "D"},
            {"key": "ACT-2", "type": "note", "status": "done", "date": "2024-01-03", "organisation_key": "S"},
        ],
    )
    await load_rows(
        store,
        tmp_path / "opportunities",
        "opportunities",
        [{"key": "OPP-1", "name": "Deal", "organisation_key": "D", "amount": "10.00"}],
    )

    result = await duplicates.merge(store, survivor="S", duplicate="D")

    about = await rows(
        store,
        "MATCH (x)-[r:ABOUT|FOR]->(o:Organisation) RETURN x.key AS key, type(r) AS type, o.key AS organisation",
    )
    assert {(row["key"], row["type"], row["organisation"]) for row in about} == {
        ("ACT-1", "ABOUT", "S"),
        ("ACT-2", "ABOUT", "S"),
        ("OPP-1", "FOR", "S"),
    }
    assert (result.moved("ABOUT"), result.moved("FOR")) == (1, 1)


async def test_the_survivor_takes_missing_properties_and_the_duplicates_key(store, merge_case):
    result = await duplicates.merge(store, survivor=S, duplicate=D)

    survivor = await organisation(store, S)
    assert await organisation(store, D) is None
    assert survivor["name"] == "Survivor" and survivor["city"] == "Kiel"
    assert (survivor["vat_id"], survivor["postcode"], survivor["industry"]) == ("DE1", "24103", "retail")
    assert survivor["former_keys"] == [D]
    assert result.former_keys == (D,)
    assert result.copied_properties == ("industry", "postcode", "vat_id")


async def test_a_merged_key_resolves_to_its_survivor_also_after_a_second_merge(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "A"}, {"key": "B"}, {"key": "C"})

    await duplicates.merge(store, survivor="B", duplicate="A")
    assert await duplicates.resolve_key(store, key="A") == "B"
    result = await duplicates.merge(store, survivor="C", duplicate="B")

    assert result.former_keys == ("B", "A")
    assert await duplicates.resolve_key(store, key="A") == "C"
    assert await duplicates.resolve_key(store, key="B") == "C"
    assert await duplicates.resolve_key(store, key="C") == "C"
    assert await duplicates.resolve_key(store, key="nobody") is None


async def test_a_key_merged_away_and_created_again_is_its_own_again(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "A"}, {"key": "B"})
    await duplicates.merge(store, survivor="B", duplicate="A")
    await add_organisations(store, tmp_path, {"key": "A"})  # a file loaded again

    assert await duplicates.resolve_key(store, key="A") == "A"
    result = await duplicates.merge(store, survivor="A", duplicate="B")

    assert result.former_keys == ("B",)
    assert await duplicates.resolve_key(store, key="B") == "A"


async def test_merging_again_is_reported_as_already_merged_and_changes_nothing(store, merge_case):
    first = await duplicates.merge(store, survivor=S, duplicate=D)
    state = await snapshot(store)

    again = await duplicates.merge(store, survivor=S, duplicate=D)

    assert again.already_merged and not first.already_merged
    assert (again.survivor, again.duplicate, again.former_keys) == (first.survivor, first.duplicate, first.former_keys)
    assert again.links == ()
    assert await snapshot(store) == state


@pytest.mark.parametrize(
    ("survivor", "duplicate", "reason"),
    [
        ("S", "D", "'S' is a PARENT_OF ancestor of 'D'"),
        ("D", "S", "'S' is a PARENT_OF ancestor of 'D'"),
        ("S", "MID", "'S' is a PARENT_OF ancestor of 'MID'"),  # a self-loop
    ],
)
async def test_a_merge_that_would_make_a_parent_cycle_is_refused_and_changes_nothing(
    store, tmp_path, survivor, duplicate, reason
):
    await add_organisations(store, tmp_path, {"key": "S"}, {"key": "MID"}, {"key": "D"})
    await load_rows(
        store, tmp_path, "parents", [{"parent_key": "S", "child_key": "MID"}, {"parent_key": "MID", "child_key": "D"}]
    )
    state = await snapshot(store)

    with pytest.raises(duplicates.MergeConflict, match=reason) as raised:
        await duplicates.merge(store, survivor=survivor, duplicate=duplicate)

    assert raised.value.status == 409
    assert await snapshot(store) == state


async def test_a_merge_that_would_make_a_membership_cycle_is_refused(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "S"}, {"key": "D"})
    await load_rows(store, tmp_path, "memberships", [{"member_key": "D", "association_key": "S"}])
    state = await snapshot(store)

    with pytest.raises(duplicates.MergeConflict, match="'D' is a member"):
        await duplicates.merge(store, survivor="S", duplicate="D")

    assert await snapshot(store) == state


async def test_a_merge_that_would_give_the_survivor_two_parents_on_one_day_is_refused(store, tmp_path):
    await add_organisations(store, tmp_path, *({"key": key} for key in ("S", "D", "P1", "P2")))
    await load_rows(
        store,
        tmp_path,
        "parents",
        [
            {"parent_key": "P1", "child_key": "S", "valid_from": "", "valid_to": ""},
            {"parent_key": "P2", "child_key": "D", "valid_from": "2020-01-01", "valid_to": ""},
        ],
    )
    state = await snapshot(store)

    with pytest.raises(duplicates.MergeConflict, match="PARENT_OF links from P1, P2 on overlapping days"):
        await duplicates.merge(store, survivor="S", duplicate="D")

    assert await snapshot(store) == state


async def test_parents_in_consecutive_periods_are_history_and_merge(store, tmp_path):
    await add_organisations(store, tmp_path, *({"key": key} for key in ("S", "D", "P1", "P2")))
    await load_rows(
        store,
        tmp_path,
        "parents",
        [
            {"parent_key": "P1", "child_key": "S", "valid_from": "", "valid_to": "2019-12-31"},
            {"parent_key": "P2", "child_key": "D", "valid_from": "2020-01-01", "valid_to": ""},
            {"parent_key": "P1", "child_key": "D", "valid_from": "", "valid_to": "2018-12-31"},  # collapses
        ],
    )

    await duplicates.merge(store, survivor="S", duplicate="D")

    def day(*parts: int) -> int:  # as stored: a day number (graph/days.py)
        return datetime.date(*parts).toordinal()

    props = await link_properties(store)
    assert props["P1", "PARENT_OF", "S"] == [{"kind": "legal", "valid_to": day(2019, 12, 31)}]
    assert props["P2", "PARENT_OF", "S"] == [{"kind": "legal", "valid_from": day(2020, 1, 1)}]


async def test_a_self_merge_is_invalid(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "S"})

    with pytest.raises(InvalidInput):
        await duplicates.merge(store, survivor="S", duplicate="S")


@pytest.mark.parametrize(("survivor", "duplicate", "missing"), [("S", "nobody", "nobody"), ("nobody", "S", "nobody")])
async def test_an_unknown_key_is_not_found(store, tmp_path, survivor, duplicate, missing):
    await add_organisations(store, tmp_path, {"key": "S"})
    state = await snapshot(store)

    with pytest.raises(NotFound, match=f"no organisation '{missing}'") as raised:
        await duplicates.merge(store, survivor=survivor, duplicate=duplicate)

    assert raised.value.status == 404
    assert await snapshot(store) == state


async def test_a_merged_key_is_no_survivor_and_no_duplicate_of_another(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "A"}, {"key": "B"}, {"key": "C"})
    await duplicates.merge(store, survivor="B", duplicate="A")

    with pytest.raises(NotFound, match="'A': it was merged into 'B'"):
        await duplicates.merge(store, survivor="A", duplicate="C")
    with pytest.raises(Conflict, match="'A' was already merged into 'B'"):
        await duplicates.merge(store, survivor="C", duplicate="A")


@pytest.mark.parametrize(
    "link",
    [
        "MATCH (d:Organisation {key: 'D'}), (x:Organisation {key: 'X'}) CREATE (d)-[:OWNS]->(x)",
        "MATCH (d:Organisation {key: 'D'}), (x:Organisation {key: 'X'}) CREATE (x)-[:OWNS]->(d)",
        "MATCH (d:Organisation {key: 'D'}), (x:Organisation {key: 'X'}) CREATE (d)-[:WORKS_AT]->(x)",
    ],
    ids=["unknown type out", "unknown type in", "known type, wrong direction"],
)
async def test_a_duplicate_with_a_link_merge_cannot_move_is_refused(store, tmp_path, link):
    await add_organisations(store, tmp_path, {"key": "S"}, {"key": "D"}, {"key": "X"})
    await write(store, link)
    state = await snapshot(store)

    with pytest.raises(duplicates.MergeConflict, match="'D' has links that a merge cannot move"):
        await duplicates.merge(store, survivor="S", duplicate="D")

    assert await snapshot(store) == state
