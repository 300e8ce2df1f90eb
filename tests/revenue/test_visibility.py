"""Revenue as a viewer sees it, and the totals of territories and portfolios.

Hand cases on the demo (seed/demo/README.md, "Users and what they should see"): hidden members never
count, `hidden_count` says how many were left out, a hidden organisation reads as missing, analysts see
what no viewer sees. Territory totals on random graphs against a plain-Python reference.
"""

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, loading, ranking, revenue, visibility
from graph.errors import Forbidden, InvalidInput, NotFound
from graph.settings import Inheritance
from seed.demo import DEMO_DIR
from tests.helpers import load_rows
from tests.revenue import test_reference
from tests.revenue.helpers import build
from tests.revenue.reference import Reference, World, default_range, months

DAY = datetime.date(2025, 6, 30)
# thomas.huber covers for anna.becker from 2025-08-04 to 2025-08-17.
COVERED = datetime.date(2025, 8, 10)
YEAR = {"as_of": DAY, "first": "2025-01", "last": "2025-12"}
# Each viewer asks on DAY: their rights are DAY's, whatever `as_of` a read shows.
ANNA = visibility.Viewer("anna.becker", "rep", today=DAY)
THOMAS = visibility.Viewer("thomas.huber", "rep", today=DAY)
LENA = visibility.Viewer("lena.vogel", "analyst", today=DAY)
MARKUS = visibility.Viewer("markus.weber", "manager", today=DAY)
PIETER = visibility.Viewer("pieter.bakker", "rep", today=DAY)
COVERING_THOMAS = dataclasses.replace(THOMAS, today=COVERED)
MUELLER_LOGISTICS = ("ORG-DE-0009", "ORG-DE-0010")


@pytest.fixture
async def demo(store):
    await loading.load_paths(store, [DEMO_DIR])
    return store


async def own(store, snapshots, key: str) -> revenue.Figures:
    return (await revenue.rollup(store, snapshots=snapshots, key=key, **YEAR)).figures


async def test_a_rep_counts_only_the_part_of_a_group_they_see(demo, snapshots):
    everything = await revenue.rollup(demo, snapshots=snapshots, key="ORG-DE-0009", scope=revenue.Scope.GROUP, **YEAR)

    seen = await revenue.rollup(
        demo,
        snapshots=snapshots,
        key="ORG-DE-0009",
        scope=revenue.Scope.GROUP,
        breakdown=set(revenue.Breakdown),
        viewer=ANNA,
        **YEAR,
    )

    assert everything.member_count == 11 and everything.figures != seen.figures
    assert seen.figures == (await own(demo, snapshots, "ORG-DE-0009")) + (await own(demo, snapshots, "ORG-DE-0010"))
    assert (seen.member_count, seen.hidden_count) == (2, 9)
    assert {member.key for member in seen.members} <= set(MUELLER_LOGISTICS) and seen.rest.count == 0
    assert sum((period.figures for period in seen.periods), revenue.Figures()) == seen.figures
    # The holding is hidden: the tree's top has no key or name, Müller Logistik hangs under it with its depot.
    assert (seen.tree.key, seen.tree.name, seen.tree.own) == (None, None, revenue.Figures())
    assert [(node.key, [child.key for child in node.children]) for node in seen.tree.children] == [
        ("ORG-DE-0009", ["ORG-DE-0010"])
    ]
    assert seen.tree.total == seen.figures


async def test_a_hidden_organisation_reads_exactly_like_a_missing_one(demo, snapshots):
    with pytest.raises(NotFound) as hidden:
        await revenue.rollup(
            demo, snapshots=snapshots, key="ORG-DE-0001", scope=revenue.Scope.GROUP, viewer=ANNA, **YEAR
        )
    with pytest.raises(NotFound) as missing:
        await revenue.rollup(
            demo, snapshots=snapshots, key="ORG-XX-9999", scope=revenue.Scope.GROUP, viewer=ANNA, **YEAR
        )

    assert str(hidden.value) == str(visibility.not_found("ORG-DE-0001"))
    assert str(missing.value) == str(visibility.not_found("ORG-XX-9999"))


async def test_an_association_leaves_out_the_members_the_rep_may_not_see(demo, snapshots):
    everything = await revenue.rollup(
        demo, snapshots=snapshots, key="ORG-DE-0050", scope=revenue.Scope.ASSOCIATION, **YEAR
    )

    seen = await revenue.rollup(
        demo,
        snapshots=snapshots,
        key="ORG-DE-0050",
        scope=revenue.Scope.ASSOCIATION,
        breakdown=set(revenue.Breakdown),
        viewer=THOMAS,
        **YEAR,
    )

    assert seen.hidden_count == 1 and seen.member_count == everything.member_count - 1
    assert seen.figures == everything.figures + revenue.Figures(
        -(await own(demo, snapshots, "ORG-AT-0001")).revenue, -(await own(demo, snapshots, "ORG-AT-0001")).gross_profit
    )
    assert "ORG-AT-0001" not in {node.key for node in seen.tree.children}


@pytest.mark.parametrize("scope", list(revenue.Scope))
async def test_analysts_see_what_no_viewer_sees(demo, snapshots, scope):
    key = "ORG-DE-0050" if scope is revenue.Scope.ASSOCIATION else "ORG-DE-0003"
    parts = set(revenue.Breakdown)

    unfiltered = await revenue.rollup(demo, snapshots=snapshots, key=key, scope=scope, breakdown=parts, **YEAR)
    analyst = await revenue.rollup(
        demo, snapshots=snapshots, key=key, scope=scope, breakdown=parts, viewer=LENA, **YEAR
    )

    assert analyst == unfiltered and analyst.hidden_count == 0


async def test_the_groups_ranking_of_a_rep_holds_only_what_they_see(demo, snapshots):
    classes = ranking.AbcClasses(80, 15)
    everything = await ranking.groups(demo, snapshots=snapshots, classes=classes, **YEAR)
    analyst = await ranking.groups(demo, snapshots=snapshots, classes=classes, viewer=LENA, **YEAR)

    seen = await ranking.groups(demo, snapshots=snapshots, classes=classes, viewer=ANNA, **YEAR)

    assert analyst == everything and everything.hidden_count == 0
    visible = await visibility.visible_organisations(demo, viewer=ANNA, keys=_demo_keys())
    assert seen.hidden_count == 42 - len(visible) == 33
    total = revenue.Figures()
    for key in visible:
        total += await own(demo, snapshots, key)
    assert seen.total == total
    assert sum(group.member_count for group in seen.items) == len(visible)
    # The Müller holding is hidden: its group is listed under Müller Logistik, the smallest key anna sees in it.
    listed = {group.root_key: group for group in seen.items}
    assert "ORG-DE-0001" not in listed and listed["ORG-DE-0009"].member_count == 2
    assert {group.root_key for group in seen.items} <= visible


def _demo_keys() -> list[str]:
    """Return every organisation key of the demo (42)."""
    return [line.split(",", 1)[0] for line in (DEMO_DIR / "organisations.csv").read_text().splitlines()[1:]]


async def test_a_territory_sums_what_it_and_its_districts_hold(demo, snapshots):
    north = await revenue.territory_rollup(
        demo, snapshots=snapshots, key="DE-NORTH", inherit=Inheritance.DOWN, viewer=ANNA, **YEAR
    )
    region = await revenue.territory_rollup(
        demo, snapshots=snapshots, key="REGION-CENTRAL", inherit=Inheritance.DOWN, viewer=MARKUS, **YEAR
    )
    portfolio = await revenue.portfolio_rollup(
        demo, snapshots=snapshots, user_key="anna.becker", inherit=Inheritance.DOWN, **YEAR
    )

    assert (north.key, north.scope, north.member_count, north.hidden_count) == ("DE-NORTH", "territory", 9, 0)
    assert north.figures == portfolio.figures and north.members == portfolio.members
    assert region.member_count == 42 and region.hidden_count == 0


async def test_a_territory_is_for_those_who_hold_it(demo, snapshots):
    with pytest.raises(NotFound, match="'DE-NORTH'"):  # not held answers like missing
        await revenue.territory_rollup(
            demo, snapshots=snapshots, key="DE-NORTH", inherit=Inheritance.DOWN, viewer=THOMAS, **YEAR
        )
    with pytest.raises(NotFound):
        await revenue.territory_rollup(
            demo, snapshots=snapshots, key="NOWHERE", inherit=Inheritance.DOWN, viewer=LENA, **YEAR
        )
    with pytest.raises(InvalidInput):
        await revenue.territory_rollup(
            demo,
            snapshots=snapshots,
            key="DE-NORTH",
            inherit=Inheritance.DOWN,
            breakdown={revenue.Breakdown.TREE},
            **YEAR,
        )

    # Covering for anna, thomas holds DE-NORTH on the 10th: asked that day, he sees its total.
    covered = await revenue.territory_rollup(
        demo, snapshots=snapshots, key="DE-NORTH", inherit=Inheritance.DOWN, viewer=COVERING_THOMAS, as_of=COVERED
    )
    assert covered.member_count == 9


async def test_going_back_to_a_day_of_access_gives_no_access(demo, snapshots):
    # Asked on DAY, before his cover, thomas may not read DE-NORTH's total by asking about the 10th of August
    # (a territory one does not hold answers like a missing one) ...
    with pytest.raises(NotFound):
        await revenue.territory_rollup(
            demo, snapshots=snapshots, key="DE-NORTH", inherit=Inheritance.DOWN, viewer=THOMAS, as_of=COVERED
        )
    # ... nor anna's ORG-DE-0024, which he sees only while covering; nor after the cover.
    after = dataclasses.replace(THOMAS, today=datetime.date(2025, 8, 18))
    for viewer in (THOMAS, after):
        with pytest.raises(NotFound):
            await revenue.rollup(demo, snapshots=snapshots, key="ORG-DE-0024", viewer=viewer, as_of=COVERED)
    assert (
        await revenue.rollup(demo, snapshots=snapshots, key="ORG-DE-0024", viewer=COVERING_THOMAS, as_of=COVERED)
    ).member_count == 1


async def test_a_portfolio_is_for_the_user_their_manager_analysts_and_admins(demo, snapshots):
    mine = await revenue.portfolio_rollup(
        demo, snapshots=snapshots, user_key="anna.becker", inherit=Inheritance.DOWN, viewer=ANNA, **YEAR
    )
    managed = await revenue.portfolio_rollup(
        demo, snapshots=snapshots, user_key="anna.becker", inherit=Inheritance.DOWN, viewer=MARKUS, **YEAR
    )
    covering = await revenue.portfolio_rollup(
        demo,
        snapshots=snapshots,
        user_key="thomas.huber",
        inherit=Inheritance.DOWN,
        viewer=COVERING_THOMAS,
        as_of=COVERED,
    )
    # His portfolio of the 10th, asked before the cover: anna's organisations are in it, but hidden from him.
    described = await revenue.portfolio_rollup(
        demo, snapshots=snapshots, user_key="thomas.huber", inherit=Inheritance.DOWN, viewer=THOMAS, as_of=COVERED
    )

    assert (mine.key, mine.name, mine.scope, mine.member_count) == ("anna.becker", "Anna Becker", "portfolio", 9)
    assert managed == mine
    assert covering.member_count == 24 and covering.hidden_count == 0
    assert (described.member_count, described.hidden_count) == (17, 7)  # DE-SOUTH: 17
    with pytest.raises(Forbidden):
        await revenue.portfolio_rollup(
            demo, snapshots=snapshots, user_key="anna.becker", inherit=Inheritance.DOWN, viewer=PIETER, **YEAR
        )
    with pytest.raises(NotFound):
        await revenue.portfolio_rollup(
            demo, snapshots=snapshots, user_key="nobody", inherit=Inheritance.DOWN, viewer=LENA, **YEAR
        )


# Territory totals on random graphs: territories T0..T3, each below an earlier one or a root.
TERRITORIES = ("T0", "T1", "T2", "T3")


@st.composite
def holdings(draw) -> tuple[World, dict[str, str | None], set[tuple[str, str]]]:
    """Draw a revenue world, a territory forest (territory -> parent) and organisation assignments."""
    world = draw(test_reference.worlds())
    parents = {
        territory: draw(st.sampled_from([None, *TERRITORIES[:index]])) for index, territory in enumerate(TERRITORIES)
    }
    pairs = st.tuples(st.sampled_from(sorted(world.organisations)), st.sampled_from(TERRITORIES))
    return world, parents, set(draw(st.lists(pairs, max_size=6)))


def held_by(
    reference: Reference, parents: dict[str, str | None], assigned: set[tuple[str, str]], key: str, when, inherit: bool
) -> set[str]:
    """Return what a territory holds: organisations assigned to it or a territory below it, and their subtrees."""
    below = {key}
    while True:
        more = {territory for territory, parent in parents.items() if parent in below} - below
        if not more:
            break
        below |= more
    holders = {organisation for organisation, territory in assigned if territory in below}
    if not inherit:
        return holders
    return {member for holder in holders for member in reference.subtree(holder, when)}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=holdings(), when=st.sampled_from(test_reference.DAY_POOL), top=st.integers(1, 3))
async def test_territory_totals_agree_with_the_reference(store, snapshots, tmp_path, drawn, when, top):
    world, parents, assigned = drawn
    await admin.delete_everything(store)
    await build(store, tmp_path, world)
    rows = [{"key": t, "name": f"Territory {t}", "parent_key": parents[t] or ""} for t in TERRITORIES]
    await load_rows(store, tmp_path, "territories", rows)
    if assigned:
        links = [{"organisation_key": o, "territory_key": t} for o, t in sorted(assigned)]
        await load_rows(store, tmp_path, "org_territories", links)
    reference = Reference(world)
    periods = months(*default_range(None, None, when))

    for territory in TERRITORIES:
        for inherit in Inheritance:
            found = await revenue.territory_rollup(
                store, snapshots=snapshots, key=territory, as_of=when, inherit=inherit, top=top
            )

            held = held_by(reference, parents, assigned, territory, when, inherit is Inheritance.DOWN)
            booked = sorted(
                (k for k in held if reference.booked(k, periods)),
                key=lambda k: (-reference.figures([k], periods)[0], k),
            )
            assert (found.figures.revenue, found.figures.gross_profit) == reference.figures(held, periods)
            assert (found.member_count, found.hidden_count) == (len(held), 0), (territory, inherit)
            assert [(p.period, p.figures.revenue, p.figures.gross_profit) for p in found.periods] == [
                (period, *reference.figures(held, [period])) for period in periods
            ]
            assert [m.key for m in found.members] == booked[:top]
            assert found.rest.count == len(booked[top:])
