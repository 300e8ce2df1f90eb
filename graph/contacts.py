"""Contacts and where they work: the contacts of an organisation, its subtree or its group, and a contact's jobs.

Use it as a module: `from graph import contacts`, then `await contacts.of_organisation(store, snapshots=…, key=…,
as_of=…, scope=contacts.Scope.GROUP)` or `await contacts.contact(store, key=…, as_of=…)`.

An employment is a `WORKS_AT` link, kept after it ends. It is current on a day D when (since is empty or
since <= D) and (until is empty or D <= until), both ends inclusive. A list shows the employments current on D,
and with `include_former` also those that ended before D; one that begins after D is never listed. It shows one
item per employment, so a contact working at two organisations of a group appears twice.

The scope says whose employments: `self` the organisation's own, `subtree` also those of every `PARENT_OF`
descendant on D, `group` those of everything under the organisation's root on D (the root included), so that a
contact who hangs at a branch is found from the holding.

Order: by organisation, in the order of :func:`chains.subtree_keys` (the organisation, then its descendants
level by level and by key within a level; for a group the root first), and within an organisation main contacts
first, then by last name and first name (ignoring case) and contact key. The people of the top come first and a
branch's people stay together. A cursor holds the last item's organisation key and its place among that
organisation's people; a cursor whose organisation has left the list since (the structure was changed) is refused.

Cost of a page: for `subtree` and `group` the walk of the whole subtree, one query per level and 5,000
organisations, then one query per 5,000 organisations from the cursor on, until the page is full. Measured figures:
docs/contacts.md.

Visibility: every read takes the `viewer` whose view it gives (None for no filter). An organisation list answers
NotFound, as for a missing key, unless the viewer sees the organisation asked about; it then lists only the
employments at organisations the viewer sees (the organisations of the scope are filtered before paging, so pages
stay full) and counts those at the others, over the whole list, in `hidden_count`. A contact the viewer may not
see (none of its current employers is visible) answers NotFound as a missing one does; a visible contact's history
leaves out, and counts, its employments at organisations the viewer may not see. What the viewer may see is decided
on the viewer's `today` (the day of the request), whatever `as_of` shows.

A list item shows what belongs to its employment (organisation, role, department, dates) and the contact's key and
name; the contact's own e-mail and phone, which are those of wherever they work now, only when the viewer sees the
contact. So a former employee who now works at an organisation the viewer may not see is listed without them.
"""

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from graph import paging, visibility
from graph.errors import InvalidInput, NotFound
from graph.hierarchy import chains, reads
from graph.queries import declare
from graph.snapshots import Snapshots
from graph.store import Row, Store

FIND_EMPLOYMENTS = declare("contacts/find_employments", days=("since", "until"))
FIND_CONTACT = declare("contacts/find_contact", days=("since", "until"))

# Organisations whose employments are read in one query.
ORGANISATION_CHUNK = 5000


class Scope(enum.StrEnum):
    """Whose employments an organisation's contact list shows."""

    SELF = "self"
    SUBTREE = "subtree"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Person:
    """A contact's own fields."""

    key: str
    first_name: str | None
    last_name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Employment:
    """A `WORKS_AT` link: where, as what, from when to when, and whether it is current on the day asked."""

    organisation_key: str
    organisation_name: str
    role: str | None
    department: str | None
    is_main_contact: bool
    since: datetime.date | None
    until: datetime.date | None
    current: bool


@dataclass(frozen=True, slots=True)
class Employee:
    """An item of an organisation's contact list: a contact with one of its employments."""

    person: Person
    employment: Employment


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a contact list; `next_cursor` is None on the last page; `hidden_count` counts the employments
    of the whole list at organisations the viewer may not see."""

    items: list[Employee]
    next_cursor: str | None
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact with every employment it has had, current or ended; `hidden_count` counts those left out, at
    organisations the viewer may not see."""

    person: Person
    employments: list[Employment]
    hidden_count: int = 0


async def of_organisation(
    store: Store,
    *,
    snapshots: Snapshots,
    key: str,
    as_of: datetime.date,
    scope: Scope = Scope.SELF,
    include_former: bool = False,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of the employments at an organisation, its subtree or its group on a day.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day; it decides the subtree or group and which employments are current.
        scope: `self`, `subtree` (with every descendant on the day) or `group` (everything under its root).
        include_former: also list employments that ended before the day.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: employments at organisations they may not see are left out and counted; None for
            no filter.

    Returns:
        The page, ordered by organisation as in the subtree, then main contacts first, then by name and key.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: the scope is unknown, `limit` out of range, or the cursor not one this list gave
            (or its organisation is no longer in the list).
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str, int, str, str, str)
    chosen = _scope(scope)
    await visibility.require_visible(store, viewer=viewer, key=key)
    in_scope = await _organisations_in_scope(store, snapshots=snapshots, key=key, as_of=as_of, scope=chosen)
    seen = await visibility.visible_keys(store, viewer=viewer, keys=in_scope)
    organisations = [organisation for organisation in in_scope if organisation in seen]
    hidden = await _count_employments(
        store, [organisation for organisation in in_scope if organisation not in seen], as_of, include_former
    )
    start = 0
    if after is not None:
        if after[0] not in organisations:
            # The key may be no organisation's (for `self` nothing has said yet): that answers 404, as without a
            # cursor, so that a merged duplicate's key can still be resolved to its survivor.
            await _employees(store, [key], as_of=as_of, include_former=include_former)
            raise InvalidInput(f"the organisation of cursor {cursor!r} has left this list: start again")
        start = organisations.index(after[0])
    position = None if after is None else (start, *after[1:])
    items: list[Employee] = []
    for first in range(start, len(organisations), ORGANISATION_CHUNK):
        chunk = organisations[first : first + ORGANISATION_CHUNK]
        places = {organisation: first + offset for offset, organisation in enumerate(chunk)}
        found = await _employees(store, chunk, as_of=as_of, include_former=include_former)
        ranked = [((places[item.employment.organisation_key], *_rank(item)), item) for item in found]
        ranked.sort(key=lambda pair: pair[0])
        items.extend(item for place, item in ranked if position is None or place > position)
        if len(items) > limit:
            break  # one item past the page shows there is more
    if len(items) <= limit:
        return Page(await _withheld(store, items, viewer=viewer), None, hidden)
    last = items[limit - 1]
    page = await _withheld(store, items[:limit], viewer=viewer)
    return Page(page, paging.encode_cursor(last.employment.organisation_key, *_rank(last)), hidden)


async def contact(store: Store, *, key: str, as_of: datetime.date, viewer: visibility.Viewer | None = None) -> Contact:
    """Return a contact with every employment it has had.

    Args:
        store: the graph.
        key: the contact's key.
        as_of: the day on which `current` is decided (the viewer's view is that of their `today`).
        viewer: whose view: employments at organisations they may not see are left out and counted; None for
            no filter.

    Returns:
        The contact; its employments ordered by `since` (an open start first), then organisation key.

    Raises:
        NotFound: no contact has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    await require_visible(store, viewer=viewer, key=key)
    rows = await store.read(FIND_CONTACT, {"key": key})
    if not rows:
        raise not_found(key)
    employments = [_employment(row, as_of) for row in rows if row["organisation_key"] is not None]
    seen = await visibility.visible_keys(store, viewer=viewer, keys={job.organisation_key for job in employments})
    shown = [job for job in employments if job.organisation_key in seen]
    shown.sort(key=lambda job: (job.since is not None, job.since or datetime.date.min, job.organisation_key))
    return Contact(_person(rows[0]), shown, len(employments) - len(shown))


async def _withheld(store: Store, items: list[Employee], *, viewer: visibility.Viewer | None) -> list[Employee]:
    """Return the items with the e-mail and phone left out of every contact the viewer may not see."""
    if viewer is None or viewer.sees_everything:
        return items
    # Items are at organisations the viewer sees: a job there current today makes its contact visible, so the
    # usual page (as_of today, no former employees) asks the engine nothing more.
    vouched = {item.person.key for item in items if _holds(item.employment.since, item.employment.until, viewer.today)}
    others = {item.person.key for item in items} - vouched
    seen = vouched | (await visibility.visible_contacts(store, viewer=viewer, keys=others) if others else set())
    return [
        item if item.person.key in seen else Employee(replace(item.person, email=None, phone=None), item.employment)
        for item in items
    ]


def _holds(since: datetime.date | None, until: datetime.date | None, day: datetime.date) -> bool:
    """Return whether an employment from `since` to `until` is current on a day (inclusive, an empty end open)."""
    return (since is None or since <= day) and (until is None or day <= until)


async def require_visible(store: Store, *, viewer: visibility.Viewer | None, key: str) -> None:
    """Raise the NotFound of a missing contact unless the viewer sees the contact on their `today`: one of its
    current employers is visible (:func:`graph.visibility.visible_contacts`). Without a viewer nothing is checked,
    and a viewer who sees everything sees every contact: whether the contact exists is the caller's to check.

    Raises:
        NotFound: the viewer may not see the contact.
        QueryError: the engine failed a read.
    """
    if viewer is not None and key not in await visibility.visible_contacts(store, viewer=viewer, keys=[key]):
        raise not_found(key)


def not_found(key: str) -> NotFound:
    """Return the error for a contact that does not exist or may not be seen: the two read the same."""
    return NotFound(f"no contact has the key {key!r}")


def _scope(scope: Scope | str) -> Scope:
    try:
        return Scope(scope)
    except ValueError:
        raise InvalidInput(f"unknown scope {scope!r}, expected one of {', '.join(Scope)}") from None


async def _organisations_in_scope(
    store: Store, *, snapshots: Snapshots, key: str, as_of: datetime.date, scope: Scope
) -> list[str]:
    """Return the keys of the organisations whose employments the list shows, in the order it shows them."""
    if scope is Scope.SELF:
        return [key]  # whether it exists is checked when its employments are read
    top = key if scope is Scope.SUBTREE else (await reads.root(store, key=key, as_of=as_of)).key
    return await chains.subtree_keys(store, snapshots=snapshots, key=top, as_of=as_of)


async def _employees(
    store: Store, keys: Sequence[str], *, as_of: datetime.date, include_former: bool
) -> list[Employee]:
    """Return the employees of the organisations in `keys` on a day, in no particular order.

    Raises:
        NotFound: an organisation of `keys` is not stored.
    """
    rows = await store.read(FIND_EMPLOYMENTS, {"keys": list(keys), "as_of": as_of, "include_former": include_former})
    missing = set(keys) - {row["organisation_key"] for row in rows}
    if missing:
        raise visibility.not_found(min(missing))
    return [Employee(_person(row), _employment(row, as_of)) for row in rows if row["key"] is not None]


async def _count_employments(store: Store, keys: Sequence[str], as_of: datetime.date, include_former: bool) -> int:
    """Return how many employments a list shows at the organisations in `keys` on a day."""
    count = 0
    for first in range(0, len(keys), ORGANISATION_CHUNK):
        chunk = keys[first : first + ORGANISATION_CHUNK]
        count += len(await _employees(store, chunk, as_of=as_of, include_former=include_former))
    return count


def _rank(item: Employee) -> tuple[int, str, str, str]:
    """Return where an employee stands among the people of its organisation: main contacts first, then by name."""
    person = item.person
    return (
        0 if item.employment.is_main_contact else 1,
        person.last_name.casefold(),
        (person.first_name or "").casefold(),
        person.key,
    )


def _person(row: Row) -> Person:
    return Person(row["key"], row["first_name"], row["last_name"], row["email"], row["phone"])


def _employment(row: Row, as_of: datetime.date) -> Employment:
    since, until = row["since"], row["until"]
    return Employment(
        organisation_key=row["organisation_key"],
        organisation_name=row["organisation_name"],
        role=row["role"],
        department=row["department"],
        is_main_contact=row["is_main_contact"],
        since=since,
        until=until,
        current=_holds(since, until, as_of),
    )
