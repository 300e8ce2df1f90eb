"""What an organisation is connected to on a day: memberships, members, suppliers, customers, custom links.

Use it as a module: `from graph import connections`, then for example
`page = await connections.suppliers(store, snapshots=snapshots, key="ORG-1", as_of=day, scope=connections.Scope.GROUP)`.

A `MEMBER_OF` link counts on day D when (valid_from is empty or valid_from <= D) and (valid_to is
empty or D <= valid_to); a `SUPPLIES` link the same with `since` and `until`. `RELATED_TO` links
have no dates: every stored one counts on any day.

Every read is paginated in the same way: it first collects the position of every item in the list
(the other end's key and what else tells two items apart), sorts them in Python and takes the page
after the cursor's position there; only the items on the page are then fetched in full. FalkorDB
answers string range comparisons over an index wrongly, so no query pages with `key > $after`.

Every read takes the `viewer` whose view it gives (None for no filter). The organisation asked about
answers NotFound, as a missing one does, unless the viewer sees it; an item is listed only when the
viewer sees the organisation or contact at its other end and, in a group, the member at this end.
The positions of the whole list are filtered before paging, so `hidden_count` counts the items left
out of the whole list and every page is full.

Suppliers and customers are read for an organisation itself (:attr:`Scope.SELF`) or for its whole
group (:attr:`Scope.GROUP`: the root on the day and every organisation under it, each link found
from the member at its end). A link between two organisations of the scope is internal to it and
is left out; an organisation that supplies itself is left out in either scope. A supplier linked
to several members of a group is listed once per link, each with the member at its end as `via_key`.

Cost: a read of one organisation's list takes three small queries (it exists, the positions, the
page). A group's takes the walk of the group (see :func:`chains.subtree_keys`), then one query
per `chains.FRONTIER_CHUNK` members for the positions, and one for the page. The positions of
the whole list are read for every page, as a cursor holds only a position. Measured figures:
docs/connections.md.
"""

import bisect
import datetime
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graph import paging, visibility
from graph.errors import InvalidInput
from graph.hierarchy import chains, reads
from graph.queries import Query, declare
from graph.snapshots import Snapshots
from graph.store import Row, Store

FIND_ASSOCIATION_KEYS = declare("connections/find_association_keys")
FIND_MEMBER_KEYS = declare("connections/find_member_keys")
FIND_MEMBERSHIPS = declare("connections/find_memberships", days=("valid_from", "valid_to"))
FIND_SUPPLIER_KEYS = declare("connections/find_supplier_keys")
FIND_CUSTOMER_KEYS = declare("connections/find_customer_keys")
FIND_SUPPLIES = declare("connections/find_supplies", days=("since", "until"))
FIND_RELATED = declare("connections/find_related")
FIND_RELATIONSHIP_TYPES = declare("connections/find_relationship_types")

Item = TypeVar("Item")
Position = tuple[str, ...]


class Scope(enum.StrEnum):
    """Whose suppliers or customers: the organisation's own, or those of its whole group."""

    SELF = "self"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class MembershipLink:
    """The organisation at the other end of a `MEMBER_OF` link: an association, or one of its members.

    Attributes:
        key: the organisation's key.
        name: its name.
        kind: its organisation kind (`association`, `chain`, `company` …).
        valid_from: the first day of the membership, inclusive; None is open.
        valid_to: the last day of the membership, inclusive; None is open.
    """

    key: str
    name: str | None
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


@dataclass(frozen=True, slots=True)
class SupplyLink:
    """The organisation at the other end of a `SUPPLIES` link: a supplier, or a customer.

    Attributes:
        key: the organisation's key.
        name: its name.
        since: the first day of the supply, inclusive; None is open.
        until: the last day of the supply, inclusive; None is open.
        note: the link's note.
        via_key: the organisation asked about, or the member of its group, at this end of the link.
    """

    key: str
    name: str | None
    since: datetime.date | None
    until: datetime.date | None
    note: str | None
    via_key: str


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """The organisation or contact at the other end of a custom `RELATED_TO` link.

    Attributes:
        key: its key.
        name: an organisation's name, or a contact's full name.
        label: `Organisation` or `Contact`.
        type: the registered type of the link.
        direction: `outgoing` when the link goes from the organisation asked about to this end,
            `incoming` when it comes from this end.
        note: the link's note.
    """

    key: str
    name: str | None
    label: str
    type: str
    direction: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Page(Generic[Item]):
    """One page of a list of connections.

    Attributes:
        items: the items on this page, in the list's order.
        next_cursor: give it as `cursor` to get the next page; None when this page is the last.
        hidden_count: how many items of the whole list the viewer may not see (left out of every page).
    """

    items: list[Item]
    next_cursor: str | None
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a link type: how to find the other ends, how to fetch whole links, and what each end is called."""

    find_ends: Query
    find_links: Query
    own: str
    other: str
    item: Callable[[Row, Mapping[str, Any], str], Any]  # (link row, other end, own end's key) -> an item


def _membership_item(link: Row, other: Mapping[str, Any], own_key: str) -> MembershipLink:
    return MembershipLink(other["key"], other["name"], other["kind"], link["valid_from"], link["valid_to"])


def _supply_item(link: Row, other: Mapping[str, Any], own_key: str) -> SupplyLink:
    return SupplyLink(other["key"], other["name"], link["since"], link["until"], link["note"], own_key)


_ASSOCIATIONS = _Side(FIND_ASSOCIATION_KEYS, FIND_MEMBERSHIPS, "member", "association", _membership_item)
_MEMBERS = _Side(FIND_MEMBER_KEYS, FIND_MEMBERSHIPS, "association", "member", _membership_item)
_SUPPLIERS = _Side(FIND_SUPPLIER_KEYS, FIND_SUPPLIES, "customer", "supplier", _supply_item)
_CUSTOMERS = _Side(FIND_CUSTOMER_KEYS, FIND_SUPPLIES, "supplier", "customer", _supply_item)


async def memberships(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page[MembershipLink]:
    """Return one page of the associations and chains an organisation is a direct member of on a day.

    Args:
        store: the graph.
        key: the member's key.
        as_of: the day; only memberships valid that day count.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: items whose other end they may not see are left out and counted; None for no filter.

    Returns:
        The page, its items ordered by key.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    return await _connections(
        store,
        _ASSOCIATIONS,
        snapshots=None,
        key=key,
        as_of=as_of,
        scope=Scope.SELF,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )


async def members(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page[MembershipLink]:
    """Return one page of the direct members of an association or chain on a day.

    Takes the arguments of :func:`memberships`, with `key` the association's.

    Returns:
        The page, its items ordered by key; empty for an organisation without members.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    return await _connections(
        store,
        _MEMBERS,
        snapshots=None,
        key=key,
        as_of=as_of,
        scope=Scope.SELF,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )


async def suppliers(
    store: Store,
    *,
    snapshots: Snapshots,
    key: str,
    as_of: datetime.date,
    scope: Scope = Scope.SELF,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page[SupplyLink]:
    """Return one page of the organisations that supply an organisation, or any member of its group, on a day.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day; only `SUPPLIES` links valid that day count, and the group is the one of that day.
        scope: `self` for the organisation's own suppliers, `group` for those of its whole group;
            a supplier inside the group is internal and left out.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: links whose supplier, or member at this end, they may not see are left out and
            counted; None for no filter.

    Returns:
        The page: one item per link, ordered by the supplier's key, then `via_key`.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: the scope is unknown, `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    return await _connections(
        store,
        _SUPPLIERS,
        snapshots=snapshots,
        key=key,
        as_of=as_of,
        scope=scope,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )


async def customers(
    store: Store,
    *,
    snapshots: Snapshots,
    key: str,
    as_of: datetime.date,
    scope: Scope = Scope.SELF,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page[SupplyLink]:
    """Return one page of the organisations that an organisation, or any member of its group, supplies on a day.

    Takes the arguments of :func:`suppliers` and answers the same way from the other end of each
    link: a customer inside the group is internal and left out.

    Returns:
        The page: one item per link, ordered by the customer's key, then `via_key`.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: the scope is unknown, `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    return await _connections(
        store,
        _CUSTOMERS,
        snapshots=snapshots,
        key=key,
        as_of=as_of,
        scope=scope,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )


async def related(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    relationship_type: str | None = None,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page[RelatedLink]:
    """Return one page of the organisations and contacts linked to an organisation by custom `RELATED_TO` links.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day asked about; custom links have no dates, so each stored one counts on any day.
        relationship_type: only links of this registered type; None for every type.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: links to organisations and contacts they may not see are left out and counted;
            None for no filter.

    Returns:
        The page: one item per link in either direction, ordered by the other end's key, then type,
        then direction.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: the type is not registered, `limit` is out of range or the cursor not one this
            function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str, str, str, str)
    if relationship_type is not None:
        await _check_registered(store, relationship_type)
    rows = await store.read(FIND_RELATED, {"key": key, "type": relationship_type})
    if not rows:
        raise visibility.not_found(key)
    await visibility.require_visible(store, viewer=viewer, key=key)
    found = {(row["key"], row["type"], row["direction"], row["label"]): row for row in rows if row["key"] is not None}
    ends = {label: {position[0] for position in found if position[3] == label} for label in ("Organisation", "Contact")}
    seen = {
        "Organisation": await visibility.visible_keys(store, viewer=viewer, keys=ends["Organisation"]),
        "Contact": ends["Contact"]
        if viewer is None
        else await visibility.visible_contacts(store, viewer=viewer, keys=ends["Contact"]),
    }
    shown = sorted(position for position in found if position[0] in seen[position[3]])
    positions, next_cursor = _page(shown, after, limit)
    items = [_related_item(found[position], position[2]) for position in positions]
    return Page(items, next_cursor, len(found) - len(shown))


async def member_keys(store: Store, *, key: str, as_of: datetime.date) -> list[str]:
    """Return the keys of an association's direct members on a day (`MEMBER_OF` valid that day), ordered by key.

    For work over a whole association (its revenue); :func:`members` gives them a page at a time.

    Raises:
        NotFound: no organisation has the key.
        QueryError: the engine failed a read.
    """
    await _check_organisation(store, key)
    rows = await store.read(FIND_MEMBER_KEYS, {"keys": [key], "as_of": as_of})
    return sorted(set(rows[0]["keys"])) if rows else []


async def _check_organisation(store: Store, key: str) -> None:
    if not await store.read(reads.FIND_ORGANISATION, {"key": key}):
        raise visibility.not_found(key)


async def _scope_keys(
    store: Store,
    *,
    snapshots: Snapshots | None,
    key: str,
    as_of: datetime.date,
    scope: Scope,
    viewer: visibility.Viewer | None,
) -> list[str]:
    """Return the keys of the organisations a scope covers on a day: the organisation's own, or its whole group's.

    Raises NotFound unless the organisation exists and the viewer sees it; the group's other members are not
    filtered here. `snapshots` may be None only for the `self` scope, which reads no snapshot.
    """
    try:
        scope = Scope(scope)
    except ValueError:
        raise InvalidInput(f"unknown scope {scope!r}, expected one of {', '.join(Scope)}") from None
    await _check_organisation(store, key)
    await visibility.require_visible(store, viewer=viewer, key=key)
    if scope is Scope.SELF:
        return [key]
    assert snapshots is not None, "a group scope reads the snapshot"
    top = await reads.root(store, key=key, as_of=as_of)
    return await chains.subtree_keys(store, snapshots=snapshots, key=top.key, as_of=as_of)


async def _connections(
    store: Store,
    side: _Side,
    *,
    snapshots: Snapshots | None,
    key: str,
    as_of: datetime.date,
    scope: Scope,
    cursor: str | None,
    limit: int,
    viewer: visibility.Viewer | None,
) -> Page:
    """Return one page of the links valid on a day between the organisations of a scope and ones outside it.

    Positions are (other end's key, own end's key): one per link; a link is shown when the viewer sees both ends.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str, str)
    keys = await _scope_keys(store, snapshots=snapshots, key=key, as_of=as_of, scope=scope, viewer=viewer)
    inside = set(keys)
    found: set[Position] = set()
    for start in range(0, len(keys), chains.FRONTIER_CHUNK):
        chunk = keys[start : start + chains.FRONTIER_CHUNK]
        for row in await store.read(side.find_ends, {"keys": list(chunk), "as_of": as_of}):
            found.update((other, row["key"]) for other in row["keys"] if other not in inside)
    seen = await visibility.visible_keys(store, viewer=viewer, keys={end for link in found for end in link})
    shown = sorted(position for position in found if seen.issuperset(position))
    positions, next_cursor = _page(shown, after, limit)
    pairs = [{side.own: own, side.other: other} for other, own in positions]
    rows = await store.read(side.find_links, {"pairs": pairs, "as_of": as_of})
    links = {(row[side.other]["key"], row[side.own]["key"]): row for row in rows}
    items = []
    for position in positions:
        link = links.get(position)
        if link is not None:  # a link ended or removed between the two queries is no longer there to show
            items.append(side.item(link, link[side.other], position[1]))
    return Page(items, next_cursor, len(found) - len(shown))


def _page(positions: list[Position], after: Position | None, limit: int) -> tuple[list[Position], str | None]:
    """Return the first `limit` of the sorted `positions` after `after`, and the cursor of the page after them."""
    start = 0 if after is None else bisect.bisect_right(positions, after)
    page = positions[start : start + limit]
    if start + limit >= len(positions):
        return page, None
    return page, paging.encode_cursor(*page[-1])


async def _check_registered(store: Store, relationship_type: str) -> None:
    """Raise InvalidInput unless `relationship_type` is a registered `RELATED_TO` type."""
    registered = [row["type"] for row in await store.read(FIND_RELATIONSHIP_TYPES)]
    if relationship_type not in registered:
        known = f"the registered types are {', '.join(registered)}" if registered else "no type is registered"
        raise InvalidInput(f"unknown relationship type {relationship_type!r}: {known}")


def _related_item(end: Mapping[str, Any], direction: str) -> RelatedLink:
    if end["label"] == "Contact":
        name = " ".join(part for part in (end["first_name"], end["last_name"]) if part)
    else:
        name = end["name"]
    return RelatedLink(end["key"], name, end["label"], end["type"], direction, end["note"])
