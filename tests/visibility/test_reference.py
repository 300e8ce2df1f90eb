"""Visibility on random graphs against the plain-Python reference: territories, windows, substitutes, groups."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import access, admin, contacts, visibility
from graph.errors import Forbidden, NotFound
from graph.hierarchy import reads
from graph.settings import Inheritance
from tests.calendar import day
from tests.helpers import load_rows
from tests.visibility.reference import EVERYTHING, Reference, Window, World, name_of

FIRST, LAST = 0, 9
TERRITORY_POOL = ("t-east", "t-north", "t-south", "t-west", "t-zone")
USER_POOL = ("u.ada", "u.bob", "u.cy", "u.dee")
ORGANISATION_POOL = ("acme", "beta", "ceres", "delta", "echo", "fox")
CONTACT_POOL = ("c1", "c2", "c3")
ROLES = ("rep", "rep", "manager", "analyst", "service")


def text(value) -> str:
    return value.isoformat() if value else ""


@st.composite
def windows(draw) -> Window:
    """A period within the test days, either end possibly open."""
    start, end = sorted(draw(st.lists(st.integers(FIRST, LAST), min_size=2, max_size=2)))
    return Window(draw(st.sampled_from([None, day(start)])), draw(st.sampled_from([None, day(end)])))


@st.composite
def worlds(draw) -> World:
    """Territory trees, users with windows on assignments and covers, organisation forests with history."""
    world = World()
    territories = draw(st.permutations(TERRITORY_POOL))[: draw(st.integers(1, len(TERRITORY_POOL)))]
    for index, territory in enumerate(territories):
        # Simplest first is the one just before: deep territory chains are common.
        world.territories[territory] = draw(st.sampled_from([*territories[:index][::-1], None]))
    users = draw(st.permutations(USER_POOL))[: draw(st.integers(1, len(USER_POOL)))]
    world.users = {user: draw(st.sampled_from(ROLES)) for user in users}
    for user in users:
        for territory in draw(st.lists(st.sampled_from(territories), max_size=2, unique=True)):
            world.assignments[(user, territory)] = (draw(st.sampled_from(["owner", "member"])), draw(windows()))
        others = [other for other in users if other != user]
        for absent in draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []:
            world.covers[(user, absent)] = draw(windows())
    organisations = draw(st.permutations(ORGANISATION_POOL))[: draw(st.integers(1, len(ORGANISATION_POOL)))]
    world.organisations = list(organisations)
    for index in range(1, len(organisations)):
        # Non-overlapping periods under earlier organisations: one parent a day, never a cycle.
        count = draw(st.sampled_from([1, 2, 0, 3]))  # mostly linked: inheritance needs parents
        bounds = sorted(draw(st.lists(st.integers(FIRST, LAST), min_size=2 * count, max_size=2 * count, unique=True)))
        for number in range(count):
            start, end = day(bounds[2 * number]), day(bounds[2 * number + 1])
            start = None if number == 0 and draw(st.booleans()) else start
            end = None if number == count - 1 and draw(st.booleans()) else end
            parent = draw(st.sampled_from(organisations[:index]))
            kind = draw(st.sampled_from(["legal", "branch"]))
            world.links.append((parent, organisations[index], kind, Window(start, end)))
    pairs = [(o, t) for o in organisations for t in territories]
    world.placements = set(draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=8, unique=True)))
    world.contacts = list(CONTACT_POOL)
    jobs = [(c, o) for c in CONTACT_POOL for o in organisations]
    world.employments = {job: draw(windows()) for job in draw(st.lists(st.sampled_from(jobs), max_size=5, unique=True))}
    return world


async def load(store, directory, world: World) -> None:
    """Load a world through the real loader."""
    named = [{"key": key, "name": name_of(key)} for key in world.organisations]
    await load_rows(store, directory, "organisations", named)
    await load_rows(
        store,
        directory,
        "contacts",
        [{"key": key, "last_name": name_of(key), "email": f"{key}@example.test"} for key in world.contacts],
    )
    territories = [{"key": t, "name": name_of(t), "parent_key": p or ""} for t, p in world.territories.items()]
    await load_rows(store, directory, "territories", territories)
    users = [{"key": user, "name": name_of(user), "role": role} for user, role in world.users.items()]
    await load_rows(store, directory, "users", users)
    kinds = {
        "parents": [
            {"parent_key": p, "child_key": c, "kind": k, "valid_from": text(w.start), "valid_to": text(w.end)}
            for p, c, k, w in world.links
        ],
        "employments": [
            {"contact_key": c, "organisation_key": o, "since": text(w.start), "until": text(w.end)}
            for (c, o), w in world.employments.items()
        ],
        "org_territories": [{"organisation_key": o, "territory_key": t} for o, t in sorted(world.placements)],
        "user_territories": [
            {"user_key": u, "territory_key": t, "role": r, "valid_from": text(w.start), "valid_to": text(w.end)}
            for (u, t), (r, w) in world.assignments.items()
        ],
        "substitutes": [
            {"user_key": u, "substitutes_for": a, "valid_from": text(w.start), "valid_to": text(w.end)}
            for (u, a), w in world.covers.items()
        ],
    }
    for kind, rows in kinds.items():
        if rows:
            await load_rows(store, directory, kind, rows)


async def all_pages(read, limit):
    """Return every item of a paginated read and the last page's answer, checking page sizes."""
    items, cursor = [], None
    while True:
        page = await read(cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items, page
        assert len(page.items) == limit
        cursor = page.next_cursor


EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DAYS = st.lists(st.integers(FIRST - 1, LAST + 1), min_size=2, max_size=2, unique=True)


@EXAMPLES
@given(world=worlds(), days=DAYS)
async def test_who_sees_what_agrees_with_the_reference(store, snapshots, tmp_path, world, days):
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    reference = Reference(world)

    for inherit, when in itertools.product(Inheritance, map(day, days)):
        down = inherit is Inheritance.DOWN
        for user, role in world.users.items():
            viewer = visibility.Viewer(user, role, inherit, today=when)
            expected = reference.visible(user, when, down)
            asked = [*world.organisations, "unknown"]
            assert await visibility.visible_organisations(store, viewer=viewer, keys=asked) == expected
            for key in world.organisations:
                assert await visibility.can_see(store, viewer=viewer, key=key) == (key in expected)
            contacts = await visibility.visible_contacts(store, viewer=viewer, keys=world.contacts)
            assert contacts == reference.visible_contacts(user, when, down)
            granted = await visibility.granted_territories(store, user_key=user, as_of=when)
            assert granted == sorted(reference.granted(user, when))
        for size in range(len(world.territories) + 1):
            territories = sorted(world.territories)[:size]
            found = await snapshots.current()
            held = await visibility.held_ids(found, territory_keys=territories, as_of=when, inherit=inherit)
            assert set(found.keys_of(held)) == reference.held(territories, when, down)


@EXAMPLES
@given(world=worlds(), days=DAYS)
async def test_explain_and_viewers_agree_with_the_reference(store, tmp_path, world, days):
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    reference = Reference(world)

    for inherit, when in itertools.product(Inheritance, map(day, days)):
        down = inherit is Inheritance.DOWN
        for key in world.organisations:
            for user, role in world.users.items():
                explained = await access.explain(store, user_key=user, key=key, as_of=when, inherit=inherit)
                assert explained.visible == (key in reference.visible(user, when, down))
                if role in EVERYTHING:
                    assert [(step.label, step.key) for step in explained.path] == [("User", user)]
                elif explained.visible:
                    reference.check_path(explained.path, user, key, when, down)
                else:
                    assert explained.path == []
            onlookers = await access.viewers(store, key=key, as_of=when, inherit=inherit)
            expected = reference.viewers(key, when, down)
            assert [o.key for o in onlookers] == sorted(expected)
            for onlooker in onlookers:
                assert onlooker.sees_everything == (world.users[onlooker.key] in EVERYTHING)
                assert {(g.territory_key, g.substitutes_for) for g in onlooker.grants} == expected[onlooker.key]
                assert all(
                    g.role == world.assignments[(g.substitutes_for or onlooker.key, g.territory_key)][0]
                    for g in onlooker.grants
                )


@EXAMPLES
@given(world=worlds(), days=DAYS, limit=st.integers(1, 4))
async def test_portfolios_and_one_face_agree_with_the_reference(store, snapshots, tmp_path, world, days, limit):
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    reference = Reference(world)

    for inherit, when in itertools.product(Inheritance, map(day, days)):
        down = inherit is Inheritance.DOWN
        for user in world.users:

            async def read(cursor, limit, user=user, when=when, inherit=inherit):
                return await access.portfolio(
                    store, snapshots=snapshots, user_key=user, as_of=when, inherit=inherit, cursor=cursor, limit=limit
                )

            items, last = await all_pages(read, limit)
            granted = reference.granted(user, when)
            expected = sorted(reference.held(granted, when, down))
            assert [item.key for item in items] == expected
            assert last.total == len(expected)
            for item in items:
                assert item.name == name_of(item.key)
                assert item.territory_key == reference.giving_territory(item.key, granted, when, down)
                assert item.territory_name == name_of(item.territory_key)

        async def read_groups(cursor, limit, when=when):
            return await access.one_face(store, snapshots=snapshots, as_of=when, cursor=cursor, limit=limit)

        groups, _ = await all_pages(read_groups, limit)
        expected_groups = reference.one_face(when)
        assert [group.root_key for group in groups] == sorted(expected_groups)
        for group in groups:
            assert group.name == name_of(group.root_key)
            assert {o.key: set(o.members) for o in group.owners} == expected_groups[group.root_key]
            assert all(o.name == name_of(o.key) for o in group.owners)


@EXAMPLES
@given(world=worlds(), days=DAYS)
async def test_rights_are_todays_whatever_day_is_shown(store, snapshots, tmp_path, world, days):
    # `today` and `as_of` differ: assignments that ended and covers in the past give nothing today, and a
    # report about a user describes `as_of` while the caller sees what they see today.
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    reference = Reference(world)
    today, as_of = map(day, days)

    for inherit in Inheritance:
        down = inherit is Inheritance.DOWN
        for caller, role in world.users.items():
            viewer = visibility.Viewer(caller, role, inherit, today=today)
            seen = reference.visible(caller, today, down)
            found = await snapshots.current()
            ids = await visibility.visible_ids(store, found, viewer=viewer)
            assert (set(found.keys) if ids is None else set(found.keys_of(ids))) == seen
            for key in world.organisations:
                if key not in seen:
                    try:
                        await reads.descendants(store, key=key, as_of=as_of, viewer=viewer)
                    except NotFound:
                        continue
                    raise AssertionError(f"{caller} reads {key} on {as_of} but may not see it on {today}")
                page = await reads.descendants(store, key=key, as_of=as_of, viewer=viewer, limit=1000)
                expected = reference.descendants(key, as_of)
                assert {item.key for item in page.items} == expected & seen
                # Former employees too: the e-mail only of a contact the caller sees today.
                people = await contacts.of_organisation(
                    store, snapshots=snapshots, key=key, as_of=as_of, include_former=True, limit=1000, viewer=viewer
                )
                known = reference.visible_contacts(caller, today, down)
                assert all((item.person.email is not None) == (item.person.key in known) for item in people.items)
            for user in world.users:

                async def read(cursor, limit, user=user, inherit=inherit, viewer=viewer):
                    return await access.portfolio(
                        store,
                        snapshots=snapshots,
                        user_key=user,
                        as_of=as_of,
                        inherit=inherit,
                        cursor=cursor,
                        limit=limit,
                        viewer=viewer,
                    )

                try:
                    shown, last = await all_pages(read, 3)
                except Forbidden:
                    assert user != caller and role not in EVERYTHING
                    continue
                expected, hidden = reference.portfolio(user, as_of, down, caller, today)
                assert [item.key for item in shown] == sorted(expected)
                assert (last.total, last.hidden_count) == (len(expected), hidden)
            for key in world.organisations:
                if key not in seen:
                    continue
                explained = await access.explain(
                    store, user_key=caller, key=key, as_of=as_of, inherit=inherit, viewer=viewer
                )
                assert explained.rights_as_of == as_of
                assert explained.visible == (key in reference.visible(caller, as_of, down))
