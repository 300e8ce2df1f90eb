"""Activities ("Vorgänge") as a viewer sees them: those about an organisation, its subtree or its group, a contact's,
a user's follow-ups ("Wiedervorlage"), and the last contact with an organisation and its group.

Use it as a module: `from graph import activities`, then for example `await activities.of_organisation(store,
snapshots=…, key=…, as_of=…, scope=chains.Scope.GROUP, viewer=…)`.

An activity (graph/schema/activity.py) is ABOUT exactly one organisation, WITH zero or more contacts and OWNED_BY at
most one user; its `date` is the day it took place or, while it is open, the day it is due. A list shows one item
per activity, with its organisation, its contacts (key and names: as a contact list shows a former employee, never
their e-mail or phone) and its owner, and takes the :class:`Filters` status, type and a range of days.

Order: newest first (date descending, then key) for an organisation's and a contact's activities; oldest due first
(date ascending, then key) for follow-ups. A cursor holds the last item's rank (its day number, negated for newest
first) and key, so a page continues after it whatever was written since.

Scope (the structure of `as_of`, from the snapshot: :func:`graph.hierarchy.chains.scope_ids`): `self` the
organisation's own activities, `subtree` also those about its `PARENT_OF` descendants, `group` those about
everything under its root. A contact's activities are those WITH it, about whichever organisation; a user's
follow-ups the open ones due by a day that they own or that a user they substitute for today owns.

Visibility, decided on the viewer's `today` whatever `as_of` shows (graph/visibility.py): an activity is listed
when the viewer sees the organisation it is about; the others are left out and counted, over the whole list and
with the same filters, in `hidden_count`. An organisation the viewer may not see answers the NotFound of a missing
key, and so does a contact none of whose current employers they see (as `GET /v1/contacts/{key}`). A user's
follow-ups are for the user, their manager, analysts and admins (:func:`graph.access.require_auditor`).

Cost of a page: the scope's organisations the viewer sees are asked for CHUNK at a time, each query ordering
their activities and returning one page's worth past the cursor, merged here; `hidden_count` is one count per
CHUNK organisations left out.
"""

import datetime
import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph import access, contacts, paging, visibility
from graph.errors import InvalidInput
from graph.hierarchy import chains
from graph.queries import declare
from graph.schema.activity import ACTIVITY_STATUSES, ACTIVITY_TYPES
from graph.snapshots import Snapshots
from graph.store import Row, Store

FIND_ACTIVITIES = declare("activities/find_activities", days=("date",))
COUNT_ACTIVITIES = declare("activities/count_activities")
FIND_CONTACT_ACTIVITIES = declare("activities/find_contact_activities")
FIND_OPEN_ACTIVITIES = declare("activities/find_open_activities")

# Organisations whose activities are read in one query.
CHUNK = 5000
# The status of an activity that has taken place: the last contact is the latest of them.
DONE = "done"
# The status of an activity still to be done: a follow-up once its day has come.
OPEN = "open"


class Order(enum.IntEnum):
    """Which way a list runs through the days: the sign its day numbers are ranked by."""

    NEWEST_FIRST = -1
    OLDEST_FIRST = 1


@dataclass(frozen=True, slots=True)
class Filters:
    """Which activities a list shows; None lets every value through.

    Attributes:
        statuses: only these statuses (`open`, `done`).
        types: only these types (`call`, `meeting`, `email`, `offer`, `task`, `note`).
        first: only those on this day or later.
        last: only those on this day or earlier.
    """

    statuses: frozenset[str] | None = None
    types: frozenset[str] | None = None
    first: datetime.date | None = None
    last: datetime.date | None = None

    def params(self) -> dict[str, Any]:
        """Return the filters as the parameters of the queries, checked. A `first` after `last` lets nothing through.

        Raises:
            InvalidInput: an unknown status or type.
        """
        return {
            "statuses": _known(self.statuses, ACTIVITY_STATUSES, "status"),
            "types": _known(self.types, ACTIVITY_TYPES, "type"),
            "first": self.first,
            "last": self.last,
        }


# Every activity.
NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Named:
    """An organisation or a user named by its key."""

    key: str
    name: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A contact named by its key."""

    key: str
    first_name: str | None
    last_name: str


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity with what it is about, whom it was with and whose it is.

    Attributes:
        key: its key.
        type: `call`, `meeting`, `email`, `offer`, `task` or `note`.
        status: `open` or `done`.
        date: the day it took place; for an open one the day it is due.
        subject: what it was about, in a line; None when not given.
        organisation: the organisation it is about.
        contacts: the contacts it was with, ordered by key.
        owner: the user it belongs to; None when it has none.
    """

    key: str
    type: str
    status: str
    date: datetime.date
    subject: str | None
    organisation: Named
    contacts: list[Person]
    owner: Named | None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of activities; `next_cursor` is None on the last page; `hidden_count` counts the activities of the
    whole list about organisations the viewer may not see."""

    items: list[Activity]
    next_cursor: str | None
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class LastContact:
    """The latest done activity about an organisation, and about any organisation of its group, that a viewer sees.

    Attributes:
        key: the organisation's key.
        name: its name.
        last_contact: its own latest done activity; None when it has none.
        group_last_contact: the latest done activity about an organisation of its group (the root and everything
            under it on the day asked) that the viewer sees; None when there is none.
        hidden_count: how many organisations of the group the viewer may not see: their activities do not count.
    """

    key: str
    name: str | None
    last_contact: Activity | None
    group_last_contact: Activity | None
    hidden_count: int = 0


async def of_organisation(
    store: Store,
    *,
    snapshots: Snapshots,
    key: str,
    as_of: datetime.date,
    scope: chains.Scope = chains.Scope.SELF,
    filters: Filters = NO_FILTERS,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of the activities about an organisation, its subtree or its group, newest first.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day whose structure decides the subtree or the group.
        scope: `self`, `subtree` (with every descendant that day) or `group` (everything under its root).
        filters: which activities to list.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: activities about organisations they may not see are left out and counted; None for
            no filter.

    Returns:
        The page: by date, the newest first, then by key.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: an unknown scope, status or type, `limit` out of range, or a cursor this list did not give.
        QueryError: the engine failed a read.
    """
    position = _position(cursor, limit)
    params = filters.params()
    shown, hidden = await _scope_in_view(store, snapshots, key=key, as_of=as_of, scope=scope, viewer=viewer)
    return await _page(store, shown, hidden, params, Order.NEWEST_FIRST, position, limit)


async def of_contact(
    store: Store,
    *,
    key: str,
    filters: Filters = NO_FILTERS,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of the activities a contact was with, about whichever organisation, newest first.

    Args:
        store: the graph.
        key: the contact's key.
        filters: which activities to list.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: activities about organisations they may not see are left out and counted; None for
            no filter.

    Returns:
        The page: by date, the newest first, then by key.

    Raises:
        NotFound: no contact has the key, or the viewer may not see it (the same error).
        InvalidInput: an unknown status or type, `limit` out of range, or a cursor this list did not give.
        QueryError: the engine failed a read.
    """
    position = _position(cursor, limit)
    params = filters.params()
    await contacts.require_visible(store, viewer=viewer, key=key)
    rows = await store.read(FIND_CONTACT_ACTIVITIES, {"key": key})
    if not rows:
        raise contacts.not_found(key)
    about = {row["key"]: row["organisation_key"] for row in rows if row["key"] is not None}
    return await _page_among(store, about, params, Order.NEWEST_FIRST, position, limit, viewer=viewer)


async def follow_ups(
    store: Store,
    *,
    user_key: str,
    due_before: datetime.date,
    today: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of a user's follow-ups: the open activities due by a day that the user owns, or that a user
    they substitute for today owns; the oldest due first.

    Args:
        store: the graph.
        user_key: the user's key.
        due_before: the last day due (inclusive).
        today: the day whose substitutions count: the day of the request.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: who asks: the user, their manager, an analyst or an admin (:func:`graph.access.require_auditor`);
            activities about organisations they may not see are left out and counted. None: anyone.

    Returns:
        The page: by date, the oldest first, then by key.

    Raises:
        NotFound: no user has the key.
        Forbidden: the viewer may not look into the user's follow-ups.
        InvalidInput: `limit` out of range, or a cursor this list did not give.
        QueryError: the engine failed a read.
    """
    position = _position(cursor, limit)
    params = Filters(statuses=frozenset({OPEN}), last=due_before).params()
    if viewer is not None:
        await access.require_auditor(store, viewer=viewer, user_key=user_key)
    await access.user(store, key=user_key)
    owners = [user_key, *sorted(await access.covered_users(store, user_key=user_key, as_of=today))]
    rows = await store.read(FIND_OPEN_ACTIVITIES, {"owners": owners})
    about = {row["key"]: row["organisation_key"] for row in rows}
    return await _page_among(store, about, params, Order.OLDEST_FIRST, position, limit, viewer=viewer)


async def last_contact(
    store: Store,
    *,
    snapshots: Snapshots,
    key: str,
    as_of: datetime.date,
    viewer: visibility.Viewer | None = None,
) -> LastContact:
    """Return the latest done activity about an organisation, and about any organisation of its group on a day.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day whose structure decides the group.
        viewer: whose view: activities about organisations they may not see do not count; None for no filter.

    Returns:
        The organisation's and its group's last contact; of several done on the same day the one with the smallest
        key.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    shown, hidden = await _scope_in_view(
        store, snapshots, key=key, as_of=as_of, scope=chains.Scope.GROUP, viewer=viewer
    )
    done = Filters(statuses=frozenset({DONE})).params()
    own = await _ranked(store, [key], done, Order.NEWEST_FIRST, None, 1)
    group = await _ranked(store, shown, done, Order.NEWEST_FIRST, None, 1)
    names = await chains.names(store, keys=[key])
    return LastContact(key, names.get(key), _first(own), _first(group), len(hidden))


async def _scope_in_view(
    store: Store,
    snapshots: Snapshots,
    *,
    key: str,
    as_of: datetime.date,
    scope: chains.Scope,
    viewer: visibility.Viewer | None,
) -> tuple[list[str], list[str]]:
    """Return the keys of the organisations of a scope that the viewer sees, and of those they may not see.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it.
        InvalidInput: an unknown scope.
    """
    try:
        chosen = chains.Scope(scope)
    except ValueError:
        raise InvalidInput(f"unknown scope {scope!r}, expected one of {', '.join(chains.Scope)}") from None
    found = await snapshots.current()
    asked = found.id_of(key)
    if asked is None:
        raise visibility.not_found(key)
    _, ids, _ = await chains.scope_ids(found, asked=asked, as_of=as_of, scope=chosen)
    shown = await visibility.shown_ids(store, found, viewer=viewer, ids=ids, asked=asked)
    return found.keys_of(shown), found.keys_of(np.setdiff1d(ids, shown, assume_unique=True))


async def _page_among(
    store: Store,
    about: Mapping[str, str],
    params: dict[str, Any],
    order: Order,
    position: tuple[int, str] | None,
    limit: int,
    *,
    viewer: visibility.Viewer | None,
) -> Page:
    """Return the page of :func:`_page` among the activities in `about` (the organisation each is about, by its
    key): those about organisations the viewer sees are listed, the others counted."""
    organisations = set(about.values())
    seen = await visibility.visible_keys(store, viewer=viewer, keys=organisations)
    among = {**params, "activities": sorted(about)}
    return await _page(store, sorted(organisations & seen), sorted(organisations - seen), among, order, position, limit)


async def _page(
    store: Store,
    shown: Sequence[str],
    hidden: Sequence[str],
    params: dict[str, Any],
    order: Order,
    position: tuple[int, str] | None,
    limit: int,
) -> Page:
    """Return the page after `position` of the activities about the organisations `shown` that pass the filters in
    `params`, and count those about the organisations `hidden`."""
    rows = await _ranked(store, shown, params, order, position, limit + 1)
    next_cursor = paging.encode_cursor(rows[limit - 1]["rank"], rows[limit - 1]["key"]) if len(rows) > limit else None
    return Page([_activity(row) for row in rows[:limit]], next_cursor, await _count(store, hidden, params))


async def _ranked(
    store: Store,
    keys: Sequence[str],
    params: dict[str, Any],
    order: Order,
    position: tuple[int, str] | None,
    limit: int,
) -> list[Row]:
    """Return the first `limit` rows after `position` of the activities about the organisations `keys` that pass the
    filters, in `order`: the first `limit` of each chunk of keys, merged."""
    asked = {
        "activities": None,
        **params,
        "direction": int(order),
        "after_rank": None if position is None else position[0],
        "after_key": None if position is None else position[1],
        "limit": limit,
    }
    rows: list[Row] = []
    for start in range(0, len(keys), CHUNK):
        rows.extend(await store.read(FIND_ACTIVITIES, {**asked, "keys": list(keys[start : start + CHUNK])}))
    rows.sort(key=lambda row: (row["rank"], row["key"]))
    return rows[:limit]


async def _count(store: Store, keys: Sequence[str], params: dict[str, Any]) -> int:
    """Return how many activities about the organisations `keys` pass the filters."""
    count = 0
    for start in range(0, len(keys), CHUNK):
        chunk = {"activities": None, **params, "keys": list(keys[start : start + CHUNK])}
        count += (await store.read(COUNT_ACTIVITIES, chunk))[0]["count"]
    return count


def _position(cursor: str | None, limit: int) -> tuple[int, str] | None:
    """Return the (rank, key) position of a cursor, with `limit` checked.

    Raises:
        InvalidInput: `limit` out of range, or the cursor is not one these lists gave.
    """
    paging.check_limit(limit)
    return paging.decode_cursor(cursor, int, str)


def _known(values: Collection[str] | None, known: Collection[str], name: str) -> list[str] | None:
    """Return the values of a filter sorted, None for none given.

    Raises:
        InvalidInput: a value is not one of `known`.
    """
    if not values:
        return None
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InvalidInput(f"unknown {name} {', '.join(unknown)}, expected one of {', '.join(known)}")
    return sorted(values)


def _first(rows: list[Row]) -> Activity | None:
    return _activity(rows[0]) if rows else None


def _activity(row: Row) -> Activity:
    people = sorted(
        (Person(found["key"], found["first_name"], found["last_name"]) for found in row["contacts"] if found["key"]),
        key=lambda person: person.key,
    )
    owner = None if row["owner_key"] is None else Named(row["owner_key"], row["owner_name"])
    return Activity(
        key=row["key"],
        type=row["type"],
        status=row["status"],
        date=row["date"],
        subject=row["subject"],
        organisation=Named(row["organisation_key"], row["organisation_name"]),
        contacts=people,
        owner=owner,
    )
