"""The domestic ultimate parent: hand cases (a chain that leaves the country and comes back, no country, a
re-parenting, hidden ancestors) and random forests with countries against the plain-Python reference."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, visibility
from graph.errors import NotFound
from graph.hierarchy import reads
from graph.hierarchy.chains import Node
from graph.hierarchy.reads import DomesticRoot
from graph.settings import Inheritance
from tests.helpers import load_rows
from tests.hierarchy.test_reads import Reference, build, day, forests

# US holding G over DE D1 over NL N over DE D2 over DE D3; X (no country) and D4 under D2 until day 4, D4 under the
# French F from day 5; R (DE) under Q, which has no country.
COUNTRIES = {"G": "US", "D1": "DE", "N": "NL", "D2": "DE", "D3": "DE", "X": None, "D4": "DE", "F": "FR"}
COUNTRIES |= {"Q": None, "R": "DE"}
LINKS = [
    ("G", "D1", "legal", None, None),
    ("D1", "N", "legal", None, None),
    ("N", "D2", "legal", None, None),
    ("D2", "D3", "branch", None, None),
    ("D2", "X", "legal", None, None),
    ("D2", "D4", "legal", None, day(4)),
    ("F", "D4", "legal", day(5), None),
    ("Q", "R", "legal", None, None),
]


@pytest.fixture
async def chains(store, tmp_path):
    await build(store, tmp_path, list(COUNTRIES), LINKS, COUNTRIES)


def org(key, kind=None, depth=0):
    return Node(key, f"Org {key}", kind, depth, COUNTRIES[key])


async def test_the_topmost_organisation_in_the_country_counts_when_the_chain_leaves_it_and_comes_back(store, chains):
    found = await reads.domestic_root(store, key="D3", as_of=day(0))

    # D3 → D2 (DE) → N (NL) → D1 (DE) → G (US): D1, not D2 where the German run from D3 up ends.
    assert found == DomesticRoot(org("D1", "legal", 3), "DE", 0) and found.is_ultimate
    assert (await reads.domestic_root(store, key="N", as_of=day(0))).root == org("N")
    assert (await reads.domestic_root(store, key="G", as_of=day(0))).root == org("G")


async def test_an_organisation_without_a_country_is_its_own_domestic_root(store, chains):
    assert await reads.domestic_root(store, key="X", as_of=day(0)) == DomesticRoot(org("X"), None, 0)
    assert await reads.domestic_root(store, key="Q", as_of=day(0)) == DomesticRoot(org("Q"), None, 0)


async def test_an_ancestor_without_a_country_is_in_no_country(store, chains):
    assert await reads.domestic_root(store, key="R", as_of=day(0)) == DomesticRoot(org("R"), "DE", 0)


async def test_the_domestic_root_follows_the_re_parenting_of_the_day(store, chains):
    before = await reads.domestic_root(store, key="D4", as_of=day(4))
    after = await reads.domestic_root(store, key="D4", as_of=day(5))

    assert before.root == org("D1", "legal", 3)
    assert after.root == org("D4")  # under the French F now: no German ancestor
    assert (await reads.detail(store, key="D4", as_of=day(4))).domestic_root == org("D1", "legal", 3)
    assert (await reads.detail(store, key="D4", as_of=day(5))).domestic_root == org("D4")


async def test_detail_names_the_domestic_root(store, chains):
    assert (await reads.detail(store, key="D3", as_of=day(0))).domestic_root == org("D1", "legal", 3)
    assert (await reads.detail(store, key="X", as_of=day(0))).domestic_root == org("X")
    assert (await reads.detail(store, key="G", as_of=day(0))).domestic_root == org("G")


async def test_an_unknown_key_has_no_domestic_root(store, chains):
    with pytest.raises(NotFound, match="NOPE"):
        await reads.domestic_root(store, key="NOPE", as_of=day(0))


async def place(store, directory, placements):
    """Make a rep `u.<territory>` for each territory, holding the organisations placed in it."""
    territories = sorted(set(placements.values()))
    await load_rows(store, directory, "territories", [{"key": t, "name": t} for t in territories])
    await load_rows(store, directory, "users", [{"key": f"u.{t}", "name": t, "role": "rep"} for t in territories])
    rows = [{"user_key": f"u.{t}", "territory_key": t, "role": "owner"} for t in territories]
    await load_rows(store, directory, "user_territories", rows)
    rows = [{"organisation_key": o, "territory_key": t} for o, t in placements.items()]
    await load_rows(store, directory, "org_territories", rows)


def rep(territory):
    return visibility.Viewer(f"u.{territory}", "rep", Inheritance.DOWN)


async def test_a_rep_gets_the_topmost_one_they_see_and_the_count_of_those_hidden_above_it(store, tmp_path, chains):
    # Through the open links, the rep of "south" sees D2 and below, the rep of "nl" N and below.
    await place(store, tmp_path, {"D2": "south", "N": "nl"})
    today = datetime.date.today()

    south = await reads.domestic_root(store, key="D3", as_of=today, viewer=rep("south"))
    detail = await reads.detail(store, key="D3", as_of=today, viewer=rep("south"))
    nl = await reads.domestic_root(store, key="N", as_of=today, viewer=rep("nl"))
    no_country = await reads.domestic_root(store, key="X", as_of=today, viewer=rep("south"))

    # D1 above is hidden: D2 with N, D1 and G counted (which of them is German is not told).
    assert south == DomesticRoot(org("D2", "branch", 1), "DE", 3) and not south.is_ultimate
    assert detail.domestic_root == org("D2", "branch", 1)
    # N is its own domestic root, but the rep cannot know that D1 and G above are not Dutch.
    assert nl == DomesticRoot(org("N"), "NL", 2) and not nl.is_ultimate
    # Without a country nothing hidden above could be domestic: certain, nothing counted.
    assert no_country == DomesticRoot(org("X"), None, 0) and no_country.is_ultimate
    with pytest.raises(NotFound, match="'D1'"):
        await reads.domestic_root(store, key="D1", as_of=today, viewer=rep("south"))


# --- random forests with countries against the reference -----------------------------------------


@st.composite
def forests_with_countries(draw):
    """A forest of test_reads, each organisation in one of two countries or in none."""
    names, periods, days, _ = draw(forests())
    countries = {key: draw(st.sampled_from(["DE", "DE", "NL", None])) for key in names}
    return names, periods, days, countries


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(forest=forests_with_countries())
async def test_the_domestic_root_agrees_with_the_reference_on_random_forests(store, tmp_path, forest):
    names, periods, days, countries = forest
    await admin.delete_everything(store)
    links = [(p.parent, p.child, p.kind, p.valid_from, p.valid_to) for p in periods]
    await build(store, tmp_path, names, links, countries)
    reference = Reference(names, periods, countries)

    for when in days:
        for key in names:
            expected = reference.domestic_root(key, when)
            found = await reads.domestic_root(store, key=key, as_of=when)
            assert found == DomesticRoot(expected, countries[key], 0)
            assert (await reads.detail(store, key=key, as_of=when)).domestic_root == expected
            assert await reads.ancestors(store, key=key, as_of=when) == reference.ancestors(key, when)
