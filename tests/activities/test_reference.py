"""Activity lists on random graphs against a plain-Python reference: the activities of an organisation's scope, of
a contact and a user's follow-ups as each user sees them, and the last contact of an organisation and its group.

The worlds are those of the visibility tests (territory trees, users with assignments and covers in windows,
organisation forests with history, employments), loaded through the real loader, with activities on top. What a
user sees comes from the visibility reference (tests/visibility/reference.py); what each list holds, its order and
its `hidden_count` are worked out here by brute force, sharing no code with graph/activities.py.
"""

import datetime
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import activities, admin, visibility
from graph.errors import Forbidden, NotFound
from graph.hierarchy import chains
from graph.settings import Inheritance
from tests.calendar import day
from tests.helpers import load_activities
from tests.visibility.reference import EVERYTHING, Reference, World, name_of
from tests.visibility.test_reference import CONTACT_POOL, DAYS, EXAMPLES, FIRST, LAST, all_pages, load, worlds

# Few types, so that a filter on one both keeps and leaves out.
TYPES = ("call", "meeting", "note")


@dataclass(frozen=True)
class Drawn:
    """An activity of the world."""

    key: str
    organisation: str
    type: str
    status: str
    date: datetime.date
    contacts: tuple[str, ...]
    owner: str | None


@st.composite
def worlds_with_activities(draw) -> tuple[World, list[Drawn]]:
    """A visibility world and up to a dozen activities about its organisations, days and keys often shared."""
    world = draw(worlds())
    drawn = [
        Drawn(
            f"act-{number:02d}",
            draw(st.sampled_from(world.organisations)),
            draw(st.sampled_from(TYPES)),
            draw(st.sampled_from(["open", "done"])),
            day(draw(st.integers(FIRST, LAST))),
            tuple(sorted(draw(st.lists(st.sampled_from(CONTACT_POOL), max_size=2, unique=True)))),
            draw(st.sampled_from([None, *world.users])),
        )
        for number in range(draw(st.integers(0, 12)))
    ]
    return world, drawn


@st.composite
def filters(draw) -> activities.Filters:
    """No filter, or any of status, type and a range of days."""
    first, last = sorted(draw(st.lists(st.integers(FIRST, LAST), min_size=2, max_size=2)))
    return activities.Filters(
        statuses=draw(st.sampled_from([None, frozenset({"open"}), frozenset({"done"})])),
        types=draw(st.sampled_from([None, frozenset({"call"}), frozenset({"meeting", "note"})])),
        first=draw(st.sampled_from([None, day(first)])),
        last=draw(st.sampled_from([None, day(last)])),
    )


async def write(store, drawn: list[Drawn]) -> None:
    """Write the activities as rows of the `activities` load file."""
    if drawn:
        rows = [
            {
                "key": a.key,
                "type": a.type,
                "status": a.status,
                "date": a.date.isoformat(),
                "subject": f"Subject of {a.key}",
                "organisation_key": a.organisation,
                "contact_keys": ";".join(a.contacts),
                "owner_key": a.owner or "",
            }
            for a in drawn
        ]
        await load_activities(store, rows)


def passes(a: Drawn, chosen: activities.Filters) -> bool:
    return (
        (chosen.statuses is None or a.status in chosen.statuses)
        and (chosen.types is None or a.type in chosen.types)
        and (chosen.first is None or chosen.first <= a.date)
        and (chosen.last is None or a.date <= chosen.last)
    )


def members(reference: Reference, key: str, as_of: datetime.date, scope: chains.Scope) -> set[str]:
    """The organisations of a scope on a day."""
    if scope is chains.Scope.SELF:
        return {key}
    top = reference.holders(key, as_of, True)[-1] if scope is chains.Scope.GROUP else key
    return {top} | reference.descendants(top, as_of)


def expected(candidates: list[Drawn], seen: set[str], newest_first: bool) -> tuple[list[str], int]:
    """The keys a list shows of the candidates, in order, and how many it counts as hidden."""
    shown = sorted(
        (a for a in candidates if a.organisation in seen),
        key=lambda a: ((-1 if newest_first else 1) * a.date.toordinal(), a.key),
    )
    return [a.key for a in shown], len(candidates) - len(shown)


def check_items(items: list[activities.Activity], drawn: list[Drawn]) -> None:
    """Each item carries its activity's fields, organisation, contacts and owner."""
    by_key = {a.key: a for a in drawn}
    for item in items:
        a = by_key[item.key]
        assert (item.type, item.status, item.date, item.subject) == (a.type, a.status, a.date, f"Subject of {a.key}")
        assert (item.organisation.key, item.organisation.name) == (a.organisation, name_of(a.organisation))
        assert [(p.key, p.last_name) for p in item.contacts] == [(c, name_of(c)) for c in a.contacts]
        assert (item.owner and (item.owner.key, item.owner.name)) == (a.owner and (a.owner, name_of(a.owner)))


async def prepared(store, tmp_path, world: World, drawn: list[Drawn]) -> Reference:
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    await write(store, drawn)
    return Reference(world)


@EXAMPLES
@given(world_and_activities=worlds_with_activities(), days=DAYS, chosen=filters(), limit=st.integers(1, 4))
async def test_the_activities_of_a_scope_agree_with_the_reference(
    store, snapshots, tmp_path, world_and_activities, days, chosen, limit
):
    world, drawn = world_and_activities
    reference = await prepared(store, tmp_path, world, drawn)
    today, as_of = map(day, days)

    for inherit in Inheritance:
        for user, role in world.users.items():
            viewer = visibility.Viewer(user, role, inherit, today=today)
            seen = reference.visible(user, today, inherit is Inheritance.DOWN)
            for key in world.organisations:
                for scope in chains.Scope:

                    async def read(cursor, limit, key=key, scope=scope, viewer=viewer):
                        return await activities.of_organisation(
                            store,
                            snapshots=snapshots,
                            key=key,
                            as_of=as_of,
                            scope=scope,
                            filters=chosen,
                            cursor=cursor,
                            limit=limit,
                            viewer=viewer,
                        )

                    if key not in seen:
                        with pytest.raises(NotFound):
                            await read(None, limit)
                        continue
                    items, last = await all_pages(read, limit)
                    scoped = members(reference, key, as_of, scope)
                    candidates = [a for a in drawn if a.organisation in scoped and passes(a, chosen)]
                    keys, hidden = expected(candidates, seen, newest_first=True)
                    assert [item.key for item in items] == keys, (user, key, scope)
                    assert last.hidden_count == hidden, (user, key, scope)
                    check_items(items, drawn)


@EXAMPLES
@given(world_and_activities=worlds_with_activities(), days=DAYS, chosen=filters(), limit=st.integers(1, 4))
async def test_the_activities_of_a_contact_agree_with_the_reference(
    store, tmp_path, world_and_activities, days, chosen, limit
):
    world, drawn = world_and_activities
    reference = await prepared(store, tmp_path, world, drawn)
    today = day(days[0])

    for inherit in Inheritance:
        for user, role in world.users.items():
            viewer = visibility.Viewer(user, role, inherit, today=today)
            seen = reference.visible(user, today, inherit is Inheritance.DOWN)
            known = reference.visible_contacts(user, today, inherit is Inheritance.DOWN)
            for contact in [*world.contacts, "nobody"]:

                async def read(cursor, limit, contact=contact, viewer=viewer):
                    return await activities.of_contact(
                        store, key=contact, filters=chosen, cursor=cursor, limit=limit, viewer=viewer
                    )

                if contact not in known:  # "nobody" never is
                    with pytest.raises(NotFound):
                        await read(None, limit)
                    continue
                items, last = await all_pages(read, limit)
                candidates = [a for a in drawn if contact in a.contacts and passes(a, chosen)]
                keys, hidden = expected(candidates, seen, newest_first=True)
                assert [item.key for item in items] == keys, (user, contact)
                assert last.hidden_count == hidden, (user, contact)
                check_items(items, drawn)


@EXAMPLES
@given(world_and_activities=worlds_with_activities(), days=DAYS, limit=st.integers(1, 4))
async def test_follow_ups_with_substitutes_agree_with_the_reference(store, tmp_path, world_and_activities, days, limit):
    # A user's own open activities and those of whom they cover for today, due by a day, as the caller sees them.
    world, drawn = world_and_activities
    reference = await prepared(store, tmp_path, world, drawn)
    today, due_before = map(day, days)

    for inherit in Inheritance:
        for caller, role in [*world.users.items(), (None, None)]:
            viewer = None if caller is None else visibility.Viewer(caller, role, inherit, today=today)
            down = inherit is Inheritance.DOWN
            seen = set(world.organisations) if caller is None else reference.visible(caller, today, down)
            for user in world.users:

                async def read(cursor, limit, user=user, viewer=viewer):
                    return await activities.follow_ups(
                        store,
                        user_key=user,
                        due_before=due_before,
                        today=today,
                        cursor=cursor,
                        limit=limit,
                        viewer=viewer,
                    )

                try:
                    items, last = await all_pages(read, limit)
                except Forbidden:
                    assert caller not in (None, user) and role not in EVERYTHING
                    continue
                owners = set(reference.covered(user, today))
                candidates = [a for a in drawn if a.owner in owners and a.status == "open" and a.date <= due_before]
                keys, hidden = expected(candidates, seen, newest_first=False)
                assert [item.key for item in items] == keys, (caller, user)
                assert last.hidden_count == hidden, (caller, user)
                check_items(items, drawn)


@EXAMPLES
@given(world_and_activities=worlds_with_activities(), days=DAYS)
async def test_the_last_contact_agrees_with_the_reference(store, snapshots, tmp_path, world_and_activities, days):
    world, drawn = world_and_activities
    reference = await prepared(store, tmp_path, world, drawn)
    today, as_of = map(day, days)

    def latest(organisations: set[str]) -> str | None:
        done = [a for a in drawn if a.status == "done" and a.organisation in organisations]
        return min(done, key=lambda a: (-a.date.toordinal(), a.key)).key if done else None

    for inherit in Inheritance:
        for user, role in world.users.items():
            viewer = visibility.Viewer(user, role, inherit, today=today)
            seen = reference.visible(user, today, inherit is Inheritance.DOWN)
            for key in world.organisations:
                answer = activities.last_contact(store, snapshots=snapshots, key=key, as_of=as_of, viewer=viewer)
                if key not in seen:
                    with pytest.raises(NotFound):
                        await answer
                    continue
                found = await answer
                group = members(reference, key, as_of, chains.Scope.GROUP)
                assert (found.key, found.name) == (key, name_of(key))
                assert (found.last_contact and found.last_contact.key) == latest({key})
                assert (found.group_last_contact and found.group_last_contact.key) == latest(group & seen)
                assert found.hidden_count == len(group - seen)
