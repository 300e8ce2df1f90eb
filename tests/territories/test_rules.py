"""Rule-based territory assignment on hand-written cases: each criterion, manual wins, conflicts, apply and preview."""

import pytest

from graph import territories
from graph.errors import InvalidInput
from graph.queries import Query
from tests.territories.helpers import (
    conflicts,
    diff_moves,
    links,
    load,
    moves,
    org,
    rule_links,
    territory,
)


async def test_countries_match_any_listed_country(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("DACH", countries="DE;AT;CH")],
        organisations=[org("O-DE", "DE"), org("O-AT", "AT"), org("O-NL", "NL"), org("O-NONE")],
    )

    plan = await territories.apply(store)

    assert await rule_links(store) == {("O-DE", "DACH"), ("O-AT", "DACH")}
    assert moves(plan) == {("O-DE", (), ("DACH",)), ("O-AT", (), ("DACH",))}
    assert plan.added == 2 and plan.removed == 0 and plan.conflicts == ()


async def test_postcode_prefixes_match_the_start_of_the_postcode(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("P", postcode_prefixes="1;20;0")],
        organisations=[
            org("O-10115", "DE", "10115"),
            org("O-20095", "DE", "20095"),
            org("O-21000", "DE", "21000"),
            org("O-01067", "DE", "01067"),
            org("O-31000", "DE", "31000"),
            org("O-NONE", "DE"),
        ],
    )

    await territories.apply(store)

    assert await rule_links(store) == {("O-10115", "P"), ("O-20095", "P"), ("O-01067", "P")}


async def test_postcode_ranges_compare_equal_length_postcodes_as_text(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[
            territory("EAST", postcode_ranges="01000-09999"),
            territory("TWO", postcode_ranges="20000-20999;40000-40099"),
            territory("UNEVEN", postcode_ranges="100-9999"),
            territory("ALNUM", postcode_ranges="AB10-AB29"),
        ],
        organisations=[
            org("O-01000", postcode="01000"),  # lower bound, included
            org("O-01067", postcode="01067"),  # leading zero
            org("O-09999", postcode="09999"),  # upper bound, included
            org("O-00999", postcode="00999"),
            org("O-10000", postcode="10000"),
            org("O-1067", postcode="1067"),  # four characters: in no five-character range
            org("O-20500", postcode="20500"),
            org("O-40099", postcode="40099"),
            org("O-40100", postcode="40100"),
            org("O-500", postcode="500"),  # bounds of different length: the range matches nothing
            org("O-AB15", postcode="AB15"),
            org("O-AB30", postcode="AB30"),
            org("O-NONE"),
        ],
    )

    await territories.apply(store)

    assert await rule_links(store) == {
        ("O-01000", "EAST"),
        ("O-01067", "EAST"),
        ("O-09999", "EAST"),
        ("O-20500", "TWO"),
        ("O-40099", "TWO"),
        ("O-AB15", "ALNUM"),
    }


async def test_industries_match_any_listed_industry(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("HEALTH", industries="Healthcare;Pharma")],
        organisations=[
            org("O-H", "DE", industry="Healthcare"),
            org("O-P", "AT", industry="Pharma"),
            org("O-B", "DE", industry="Building Materials"),
            org("O-h", "DE", industry="healthcare"),  # values compare exactly
            org("O-NONE", "DE"),
        ],
    )

    await territories.apply(store)

    assert await rule_links(store) == {("O-H", "HEALTH"), ("O-P", "HEALTH")}


async def test_an_organisation_must_match_every_criterion_and_any_value_within_one(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[
            territory("T", countries="DE;AT", postcode_prefixes="1;2", postcode_ranges="10000-29999", industries="X;Y")
        ],
        organisations=[
            org("O-ALL", "DE", "10115", "X"),
            org("O-OTHER-VALUES", "AT", "20095", "Y"),
            org("O-COUNTRY", "NL", "10115", "X"),
            org("O-PREFIX", "DE", "30000", "X"),
            org("O-RANGE", "DE", "1011", "X"),  # prefix matches, range does not (four characters)
            org("O-INDUSTRY", "DE", "10115", "Z"),
            org("O-NO-INDUSTRY", "DE", "10115"),
        ],
    )

    await territories.apply(store)

    assert await rule_links(store) == {("O-ALL", "T"), ("O-OTHER-VALUES", "T")}


async def test_a_territory_without_rules_matches_nothing(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("REGION"), territory("DISTRICT", countries="DE")],
        organisations=[org("O-DE", "DE", "10115", "X"), org("O-NONE")],
    )

    plan = await territories.apply(store)

    assert await rule_links(store) == {("O-DE", "DISTRICT")}
    assert moves(plan) == {("O-DE", (), ("DISTRICT",))}


async def test_clearing_a_territorys_rules_removes_its_rule_links(store, tmp_path):
    await load(store, tmp_path, territories=[territory("T", countries="DE")], organisations=[org("O-DE", "DE")])
    await territories.apply(store)
    await load(store, tmp_path, territories=[territory("T")], forget_rule_links=False)  # empty cells clear criteria

    await territories.apply(store)

    assert await rule_links(store) == set()


async def test_manual_assignment_wins_over_every_rule(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[
            territory("NORTH", countries="DE", postcode_prefixes="1"),
            territory("HEALTH", countries="DE", industries="Healthcare"),
            territory("KEY", industries="Key"),
        ],
        organisations=[
            org("O-RULES", "DE", "10115", "Healthcare"),
            org("O-MANUAL", "DE", "10115", "Healthcare"),
            org("O-MANUAL-SAME", "DE", "10115"),
        ],
        manual=[("O-MANUAL", "KEY"), ("O-MANUAL-SAME", "NORTH")],
    )

    plan = await territories.apply(store)

    assert await links(store) == {
        ("O-RULES", "NORTH", "rule"),
        ("O-RULES", "HEALTH", "rule"),
        ("O-MANUAL", "KEY", "manual"),
        ("O-MANUAL-SAME", "NORTH", "manual"),
    }
    # Only O-RULES is in conflict: a manual assignment settles an organisation's territories.
    assert conflicts(plan) == {("O-RULES", ("HEALTH", "NORTH"))}


async def test_a_manual_assignment_added_later_removes_the_rule_links(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("NORTH", countries="DE"), territory("KEY", industries="Key")],
        organisations=[org("O-1", "DE"), org("O-2", "DE")],
    )
    await territories.apply(store)
    await load(store, tmp_path, manual=[("O-1", "KEY")], forget_rule_links=False)
    before = await rule_links(store)

    plan = await territories.apply(store, organisation_keys=["O-1"])

    assert await links(store) == {("O-1", "KEY", "manual"), ("O-2", "NORTH", "rule")}
    assert moves(plan) == diff_moves(before, await rule_links(store))


async def test_an_organisation_matching_several_territories_gets_all_and_is_a_conflict(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[
            territory("NORTH", countries="DE", postcode_ranges="01000-59999"),
            territory("HEALTH", countries="DE;AT;CH", industries="Healthcare"),
        ],
        organisations=[org("O-BOTH", "DE", "31785", "Healthcare"), org("O-ONE", "DE", "31785", "Retail")],
    )

    previewed = await territories.preview(store)
    applied = await territories.apply(store)

    assert await rule_links(store) == {("O-BOTH", "NORTH"), ("O-BOTH", "HEALTH"), ("O-ONE", "NORTH")}
    assert conflicts(previewed) == conflicts(applied) == {("O-BOTH", ("HEALTH", "NORTH"))}
    # A conflict is reported whenever the organisation is in scope, also when nothing changes for it.
    again = await territories.apply(store)
    assert moves(again) == set()
    assert conflicts(again) == {("O-BOTH", ("HEALTH", "NORTH"))}


async def test_apply_is_idempotent(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("A", countries="DE"), territory("B", industries="X")],
        organisations=[org("O-1", "DE", industry="X"), org("O-2", "DE"), org("O-3", "NL")],
        manual=[("O-3", "A")],
    )
    await territories.apply(store)
    stored = await links(store)

    again = await territories.apply(store)

    assert again.moves == () and not again.changed
    assert conflicts(again) == {("O-1", ("A", "B"))}
    assert await links(store) == stored


async def test_stale_rule_links_are_removed_when_rules_change(store, tmp_path):
    organisations = [org("O-1", "DE", "10115"), org("O-2", "DE", "80331"), org("O-3", "AT", "1010")]
    await load(
        store,
        tmp_path,
        territories=[territory("NORTH", countries="DE", postcode_prefixes="1"), territory("ALL-DE", countries="DE")],
        organisations=organisations,
    )
    await territories.apply(store)
    await load(
        store,
        tmp_path,
        territories=[territory("NORTH", countries="DE", postcode_prefixes="8"), territory("ALL-DE", countries="AT")],
        forget_rule_links=False,
    )
    before = await rule_links(store)

    plan = await territories.apply(store)

    after = await rule_links(store)
    assert after == {("O-2", "NORTH"), ("O-3", "ALL-DE")}
    assert moves(plan) == diff_moves(before, after)
    assert plan.added == len(after - before) and plan.removed == len(before - after)


async def test_preview_changes_nothing_and_foretells_apply(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("A", countries="DE"), territory("B", industries="X")],
        organisations=[org("O-1", "DE", industry="X"), org("O-2", "DE"), org("O-3", "NL", industry="X")],
        manual=[("O-3", "A")],
    )
    before = await links(store)
    rules = await store.read(territories.FIND_RULES)

    previewed = await territories.preview(store)
    what_if = await territories.preview(store, territory_rules=[{"key": "A", "countries": ["NL"]}])

    assert await links(store) == before
    assert await store.read(territories.FIND_RULES) == rules
    assert what_if.moves  # the proposed rules would move something, yet nothing moved
    applied = await territories.apply(store)
    assert moves(previewed) == moves(applied)
    assert conflicts(previewed) == conflicts(applied)


async def test_preview_lays_proposed_rules_over_the_stored_ones(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("NORTH", countries="DE", postcode_prefixes="1"), territory("SOUTH", countries="DE")],
        organisations=[org("O-10", "DE", "10115"), org("O-80", "DE", "80331"), org("O-AT", "AT", "80331")],
    )
    await territories.apply(store)
    assert await rule_links(store) == {("O-10", "NORTH"), ("O-10", "SOUTH"), ("O-80", "SOUTH")}

    plan = await territories.preview(
        store,
        territory_rules=[
            # A criterion given replaces the stored one; `countries` is left out and stays DE.
            {"key": "NORTH", "postcode_prefixes": "8"},
            # None clears a criterion: SOUTH would set none and match nothing.
            {"key": "SOUTH", "countries": None},
            # A key of no stored territory proposes a new one.
            {"key": "AUSTRIA", "name": "Austria", "countries": ["AT"]},
        ],
    )

    assert moves(plan) == {
        ("O-10", ("NORTH", "SOUTH"), ()),
        ("O-80", ("SOUTH",), ("NORTH",)),
        ("O-AT", (), ("AUSTRIA",)),
    }
    assert plan.conflicts == ()


@pytest.mark.parametrize(
    "proposal, message",
    [
        ({"countries": ["DE"]}, "key"),
        ({"key": "T", "countries": ["Germany"]}, "countries"),
        ({"key": "T", "postcode_ranges": ["10000"]}, "postcode_ranges"),
        ({"key": "T", "regions": ["north"]}, "unknown field regions"),
        ("T", "mapping"),
    ],
)
async def test_preview_refuses_malformed_proposals(store, proposal, message):
    with pytest.raises(InvalidInput, match=message):
        await territories.preview(store, territory_rules=[proposal])


async def test_preview_refuses_a_territory_proposed_twice(store):
    with pytest.raises(InvalidInput, match="twice"):
        await territories.preview(store, territory_rules=[{"key": "T"}, {"key": "T", "countries": "DE"}])


async def test_organisation_keys_limit_the_scope(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("DE", countries="DE")],
        organisations=[org("O-1", "DE"), org("O-2", "DE"), org("O-3", "DE")],
    )

    plan = await territories.apply(store, organisation_keys=["O-1", "O-3", "O-1", "O-UNKNOWN"])
    nothing = await territories.apply(store, organisation_keys=[])

    assert await rule_links(store) == {("O-1", "DE"), ("O-3", "DE")}
    assert moves(plan) == {("O-1", (), ("DE",)), ("O-3", (), ("DE",))}
    assert nothing == territories.AssignmentPlan()


@pytest.mark.parametrize("scope", [None, ["O-0", "O-1", "O-2", "O-3", "O-4", "O-5", "O-6"]], ids=["all", "keys"])
async def test_small_batches_cover_every_organisation_once(store, tmp_path, scope):
    await load(
        store,
        tmp_path,
        territories=[territory("DE", countries="DE"), territory("X", industries="X")],
        organisations=[org(f"O-{n}", "DE", industry="X" if n % 2 else "") for n in range(7)],
    )

    plan = await territories.apply(store, organisation_keys=scope, batch_size=2)

    assert await rule_links(store) == {(f"O-{n}", "DE") for n in range(7)} | {(f"O-{n}", "X") for n in (1, 3, 5)}
    assert [move.organisation_key for move in plan.moves] == [f"O-{n}" for n in range(7)]
    assert [conflict.organisation_key for conflict in plan.conflicts] == ["O-1", "O-3", "O-5"]


async def test_apply_on_an_empty_graph_changes_nothing(store):
    assert await territories.apply(store) == territories.AssignmentPlan()
    assert await territories.preview(store) == territories.AssignmentPlan()


async def test_batch_size_must_be_positive(store):
    with pytest.raises(InvalidInput, match="batch_size"):
        await territories.apply(store, batch_size=0)


async def test_organisation_keys_must_be_keys_not_one_string(store):
    with pytest.raises(InvalidInput, match="organisation_keys"):
        await territories.apply(store, organisation_keys="O-1")


LINK_WITHOUT_SOURCE = Query(
    "tests/territories/link_without_source",
    dict.fromkeys(
        ("falkordb", "neo4j"),
        "MATCH (organisation:Organisation {key: $organisation}), (territory:Territory {key: $territory}) "
        "CREATE (organisation)-[:ASSIGNED_TO]->(territory)",
    ),
)


async def test_a_link_without_source_counts_as_manual(store, tmp_path):
    await load(
        store,
        tmp_path,
        territories=[territory("DE", countries="DE"), territory("OTHER")],
        organisations=[org("O-1", "DE")],
    )
    await store.write(LINK_WITHOUT_SOURCE, {"organisation": "O-1", "territory": "OTHER"})

    plan = await territories.apply(store)

    assert await links(store) == {("O-1", "OTHER", None)}
    assert plan == territories.AssignmentPlan()
