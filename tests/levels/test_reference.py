"""One level with totals on random graphs against a plain-Python reference.

The revenue tests' random forests with history and bookings (tests/revenue/test_reference.py), with shares on legal
links, countries, and a rep who sees what one territory holds (random placements, with or without inheritance,
their rights of a random day): every organisation is asked for with both sorts, read page by page. The reference
walks the links of the day up to the nearest seen ancestor, one step at a time (tests/revenue/reference.py), and
decides visibility with tests/visibility/reference.py.
"""

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, levels, visibility
from graph.errors import NotFound
from graph.settings import Inheritance
from tests.helpers import load_rows
from tests.revenue import test_reference
from tests.revenue.helpers import build
from tests.revenue.reference import Reference, World, default_range, months, name
from tests.visibility import reference as seen_reference
from tests.visibility.reference import Window

REP = "u.rep"
TERRITORY = "t-one"
COUNTRIES = (None, "DE", "NL")
SHARES = (None, 25.0, 50.5, 100.0)


@dataclasses.dataclass
class Viewed:
    """A revenue world with countries, and what a rep is placed to see in it (None: a caller who sees everything)."""

    world: World
    countries: dict[str, str | None]
    placed: list[str] | None
    inherit: Inheritance
    today: datetime.date


@st.composite
def viewed_worlds(draw) -> Viewed:
    world = draw(test_reference.worlds())
    world.parents = [
        dataclasses.replace(link, share=draw(st.sampled_from(SHARES))) if link.kind == "legal" else link
        for link in world.parents
    ]
    keys = sorted(world.organisations)
    # Without inheritance a rep may see an organisation and not its parent: levels deeper than one link.
    placed = None if draw(st.integers(0, 3)) == 0 else [key for key in keys if draw(st.booleans())]
    return Viewed(
        world,
        {key: draw(st.sampled_from(COUNTRIES)) for key in keys},
        placed,
        draw(st.sampled_from([Inheritance.NONE, Inheritance.NONE, Inheritance.DOWN])),
        draw(st.sampled_from(test_reference.DAY_POOL)),
    )


async def load(store, directory, viewed: Viewed) -> visibility.Viewer | None:
    """Load the world, its countries and the rep's territory; return the viewer (None for everything)."""
    await build(store, directory / "world", viewed.world)
    countries = [{"key": key, "name": name(key), "country": country or ""} for key, country in viewed.countries.items()]
    await load_rows(store, directory / "countries", "organisations", countries)
    if viewed.placed is None:
        return None
    await load_rows(store, directory / "rep", "territories", [{"key": TERRITORY, "name": "One"}])
    await load_rows(store, directory / "rep", "users", [{"key": REP, "name": "Rep", "role": "rep"}])
    await load_rows(store, directory / "rep", "user_territories", [{"user_key": REP, "territory_key": TERRITORY}])
    if viewed.placed:
        placements = [{"organisation_key": key, "territory_key": TERRITORY} for key in viewed.placed]
        await load_rows(store, directory / "rep", "org_territories", placements)
    return visibility.Viewer(REP, "rep", viewed.inherit, viewed.today)


def seen_keys(viewed: Viewed) -> set[str]:
    """Return what the caller sees, by the visibility reference."""
    if viewed.placed is None:
        return set(viewed.world.organisations)
    world = seen_reference.World(
        territories={TERRITORY: None},
        users={REP: "rep"},
        assignments={(REP, TERRITORY): ("owner", Window(None, None))},
        organisations=list(viewed.world.organisations),
        links=[(x.parent, x.child, x.kind, Window(x.valid_from, x.valid_to)) for x in viewed.world.parents],
        placements={(key, TERRITORY) for key in viewed.placed},
    )
    return seen_reference.Reference(world).visible(REP, viewed.today, viewed.inherit is Inheritance.DOWN)


def expected_level(viewed: Viewed, seen: set[str], key: str, when, first, last, sort) -> dict:
    """Return the level below `key` as plain values, by walking up from every member of its subtree."""
    reference = Reference(viewed.world)
    periods = months(*default_range(first, last, when))
    below = reference.subtree(key, when)[1:]

    def nearest_seen(organisation):
        """Return the nearest seen ancestor of the organisation under `key` and how many links up it is."""
        above, depth = reference.parent(organisation, when), 1
        while above != key and above not in seen:
            above, depth = reference.parent(above, when), depth + 1
        return above, depth

    def subtree_of(organisation):
        return reference.subtree(organisation, when)

    items = []
    for organisation in below:
        top, depth = nearest_seen(organisation)
        if top != key or organisation not in seen:
            continue
        link = next(
            x
            for x in viewed.world.parents
            if x.child == organisation
            and (x.valid_from is None or x.valid_from <= when)
            and (x.valid_to is None or when <= x.valid_to)
        )
        subtree = subtree_of(organisation)
        total = reference.figures([o for o in subtree if o in seen], periods)
        items.append(
            (
                organisation,
                name(organisation),
                viewed.countries[organisation],
                link.kind,
                link.share,
                link.valid_from,
                link.valid_to,
                key if link.parent == key else None,
                depth,
                reference.figures([organisation], periods),
                total,
                len([o for o in subtree if o in seen]),
                len([o for o in subtree if o not in seen]),
            )
        )
    items.sort(key=lambda item: item[0] if sort == "key" else (-item[10][0], item[0]))
    everything = subtree_of(key)
    return {
        "top": (key, name(key), *default_range(first, last, when)),
        "own": reference.figures([key], periods),
        "total": reference.figures([o for o in everything if o in seen], periods),
        "member_count": len([o for o in everything if o in seen]),
        "child_count": len(items),
        "hidden_count": len([o for o in below if o not in seen and nearest_seen(o)[0] == key]),
        "items": items,
    }


def as_values(item: levels.LevelItem) -> tuple:
    return (
        item.key,
        item.name,
        item.country,
        item.kind,
        item.share,
        item.valid_from,
        item.valid_to,
        item.parent_key,
        item.depth,
        (item.own.revenue, item.own.gross_profit),
        (item.total.revenue, item.total.gross_profit),
        item.member_count,
        item.hidden_count,
    )


async def whole_level(store, snapshots, *, limit, **asked) -> dict:
    """Read every page of a level; check that the whole-level figures agree on every page."""
    items, cursor, tops = [], None, set()
    while True:
        page = await levels.children(store, snapshots=snapshots, cursor=cursor, limit=limit, **asked)
        assert len(page.items) <= limit
        tops.add(
            (
                (page.key, page.name, page.first, page.last),
                (page.own.revenue, page.own.gross_profit),
                (page.total.revenue, page.total.gross_profit),
                page.member_count,
                page.child_count,
                page.hidden_count,
            )
        )
        items.extend(as_values(item) for item in page.items)
        if page.next_cursor is None:
            assert len(tops) == 1
            top, own, total, member_count, child_count, hidden_count = tops.pop()
            return {
                "top": top,
                "own": own,
                "total": total,
                "member_count": member_count,
                "child_count": child_count,
                "hidden_count": hidden_count,
                "items": items,
            }
        assert len(page.items) == limit
        cursor = page.next_cursor


@st.composite
def questions(draw) -> dict:
    """Draw the day, the range (or its defaults) and the page size."""
    first, last = sorted(draw(st.lists(st.sampled_from(test_reference.PERIOD_POOL), min_size=2, max_size=2)))
    first, last = draw(st.sampled_from([(None, None), (None, last), (first, last)]))
    return {
        "when": draw(st.sampled_from(test_reference.DAY_POOL)),
        "first": first,
        "last": last,
        "limit": draw(st.integers(1, 3)),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(viewed=viewed_worlds(), asked=questions())
async def test_levels_agree_with_the_reference(store, snapshots, tmp_path, viewed, asked):
    await admin.delete_everything(store)
    viewer = await load(store, tmp_path, viewed)
    seen = seen_keys(viewed)
    when, first, last, limit = asked["when"], asked["first"], asked["last"], asked["limit"]
    question = {"as_of": when, "first": first, "last": last, "viewer": viewer}

    for key in viewed.world.organisations:
        if key not in seen:
            with pytest.raises(NotFound) as hidden:
                await levels.children(store, snapshots=snapshots, key=key, **question)
            assert str(hidden.value) == str(visibility.not_found(key))
            continue
        for sort in levels.Sort:
            answered = await whole_level(store, snapshots, key=key, sort=sort, limit=limit, **question)

            assert answered == expected_level(viewed, seen, key, when, first, last, sort), (key, sort)

    # Every hidden organisation of a seen organisation's subtree is counted in exactly one level reached from it.
    reference = Reference(viewed.world)
    for key in sorted(seen):
        hidden, reached = 0, [key]
        while reached:
            level = await whole_level(store, snapshots, key=reached.pop(), sort=levels.Sort.KEY, limit=10, **question)
            hidden += level["hidden_count"]
            reached.extend(item[0] for item in level["items"])
        assert hidden == len([o for o in reference.subtree(key, when) if o not in seen])
