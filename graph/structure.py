"""Writes to the organisation structure: parents, memberships, supply and custom relationships.

Use it as a module: `from graph import structure`, then for example
`await structure.set_parent(store, child="ORG-2", parent="ORG-1", valid_from=day)`.

One code path. Every write but :func:`unrelate` goes through :func:`graph.loading.load_records`:
the records of one change get the checks of a load file's rows (values, references, the hierarchy
rules of :mod:`graph.hierarchy.rules`, taken in order) and are written by the loader's upsert query, in
one batch and one query, so a change is written whole or not at all. A refused change raises and
writes nothing; its message says what was asked and why not, naming both organisations:

- :class:`~graph.errors.NotFound` (404): a key names no organisation (for a relationship, no
  organisation or contact), or there is no link to end on the day;
- :class:`~graph.errors.InvalidInput` (422): a value breaks a rule on its own: a self-link, an
  unknown kind, a share outside 0 to 100 or on a branch link, a period that ends before it
  starts, an unregistered relationship type;
- :class:`~graph.errors.Conflict` (409): the change contradicts what is stored: a second parent
  on a day, a cycle on a day, or a one-period link whose history the change would erase.

What each change does (days are inclusive; a missing day is today):

- `PARENT_OF` keeps a history of periods, each identified by (parent, child, valid_from).
  :func:`set_parent` gives the child the parent from a day on, open-ended. The period in force
  that day, when it began earlier, is ended the day before (a re-parenting keeps the history);
  when it is already this parent's with the same kind and share, it simply goes on (its end, if
  any, is opened): setting the same parent again changes nothing, and a change of kind or share
  starts a new period. A period in force that begins on the day itself is corrected in place when
  it is the same parent's, and is a second parent otherwise (refused: end it with the loader or
  choose another day). A stored period that starts later overlaps the new open-ended one and
  refuses the change too. :func:`end_parent` ends the period in force on a day, on that day.
- `MEMBER_OF` and `SUPPLIES` are one link per pair, with one period (as the loader identifies
  them). :func:`add_membership` and :func:`set_supply` make the link valid from a day on: a
  stored period that reaches the day, or ends the day before, is extended (it keeps its earlier
  start); one that ended earlier is refused, because moving its dates would erase that history.
  :func:`end_membership` and :func:`end_supply` end the link in force on a day, on that day.
- `RELATED_TO` has no dates: :func:`relate` creates or updates the link of a registered type
  (its note as given: None removes it), and :func:`unrelate` deletes it.

Ending is setting `valid_to` (`until`): nothing is deleted but a `RELATED_TO` link.

Changes run one at a time, with every other checked write to the graph: each holds the store's write
lock (:meth:`graph.store.Store.write_lock`) while it reads the stored links, decides and checks its
records, and writes, because two at once could each pass the checks without seeing the other (two
parents for one child). On the embedded engine the lock keeps out the other processes on the same
data directory too (API workers, CLI loads, imports); see docs/production.md, "Concurrent writers".
"""

import datetime
import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar

from graph import loading
from graph.errors import Conflict, CrmGraphError, InvalidInput, NotFound
from graph.hierarchy import rules
from graph.hierarchy.rules import Link, Membership
from graph.queries import NOTHING_HELD, Query, declare
from graph.store import Row, Store

FIND_PARENT_PERIODS = declare("structure/find_parent_periods", days=("valid_from", "valid_to"))
FIND_MEMBERSHIP = declare("structure/find_membership", days=("first_day", "last_day"))
FIND_SUPPLY = declare("structure/find_supply", days=("first_day", "last_day"))
DELETE_RELATIONSHIP = declare("structure/delete_relationship", touches=NOTHING_HELD)

ONE_DAY = datetime.timedelta(days=1)
_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def _one_at_a_time(change: Callable[_Params, Awaitable[_Result]]) -> Callable[_Params, Awaitable[_Result]]:
    """Return `change` run under its store's write lock: its reads, checks and write see no other checked write."""

    @functools.wraps(change)
    async def serialised(*args: _Params.args, **kwargs: _Params.kwargs) -> _Result:
        store: Store = args[0]
        async with store.write_lock().held():
            return await change(*args, **kwargs)

    return serialised


# The error a refused change raises, by the cause of its rejections; the first cause found wins.
_ERRORS: tuple[tuple[str, type[CrmGraphError]], ...] = (
    (loading.UNKNOWN, NotFound),
    (loading.INVALID, InvalidInput),
    (loading.CONFLICT, Conflict),
)


@dataclass(frozen=True, slots=True)
class ParentChange:
    """What :func:`set_parent` did.

    Attributes:
        link: the child's `PARENT_OF` period in force from the day on.
        ended: the period in force before it, as it was ended (the day before); None when none was.
    """

    link: Link
    ended: Link | None


@dataclass(frozen=True, slots=True)
class Supply:
    """A `SUPPLIES` link: `supplier` delivers to `customer` from `since` to `until` (inclusive, None open)."""

    supplier: str
    customer: str
    since: datetime.date | None
    until: datetime.date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Relation:
    """A custom `RELATED_TO` link of a registered `type` between organisations or contacts."""

    from_key: str
    to_key: str
    type: str
    note: str | None


@_one_at_a_time
async def set_parent(
    store: Store,
    *,
    child: str,
    parent: str,
    kind: str = rules.DEFAULT_KIND,
    valid_from: datetime.date | None = None,
    share: float | None = None,
) -> ParentChange:
    """Give an organisation a `PARENT_OF` parent from a day on, ending the period in force before it.

    Args:
        store: the graph.
        child: the key of the organisation that gets the parent.
        parent: the key of the parent.
        kind: `legal` or `branch`.
        valid_from: the first day of the new period; None for today.
        share: ownership in percent, 0 to 100, legal links only; None for none.

    Returns:
        The period in force from `valid_from` on, and the one it ended.

    Raises:
        NotFound: a key names no organisation.
        InvalidInput: a self-link, an unknown kind, or a bad share.
        Conflict: the child would have two parents on a day, or a cycle would close.
        QueryError: the engine failed.
    """
    day = valid_from or datetime.date.today()
    current = _in_force(await _parent_periods(store, child), day)
    link = Link(parent, child, day, None, kind, share)
    ended = None
    if current is not None and (current.parent, current.kind, current.share) == (parent, kind, share):
        link = replace(current, valid_to=None)
    elif current is not None and (current.valid_from or datetime.date.min) < day:
        ended = replace(current, valid_to=day - ONE_DAY)
    records = ([_ending(ended)] if ended else []) + [_parent_record(link)]
    await _write(store, "parents", records, f"make {parent} the parent of {child} from {day}")
    return ParentChange(link, ended)


@_one_at_a_time
async def end_parent(store: Store, *, child: str, valid_to: datetime.date | None = None) -> Link:
    """End the `PARENT_OF` period of an organisation that is in force on a day, on that day.

    Args:
        store: the graph.
        child: the key of the organisation.
        valid_to: the period's last day; None for today.

    Returns:
        The period as ended.

    Raises:
        NotFound: no organisation has the key, or it has no parent that day.
        QueryError: the engine failed.
    """
    day = valid_to or datetime.date.today()
    current = _in_force(await _parent_periods(store, child), day)
    if current is None:
        raise NotFound(f"{child} has no parent on {day}")
    ended = replace(current, valid_to=day)
    await _write(store, "parents", [_ending(ended)], f"end the link from {current.parent} to {child} on {day}")
    return ended


@_one_at_a_time
async def add_membership(
    store: Store, *, member: str, association: str, valid_from: datetime.date | None = None
) -> Membership:
    """Make an organisation a member of an association, buying group or chain from a day on.

    Args:
        store: the graph.
        member: the key of the member.
        association: the key of the association.
        valid_from: the first day; None for today.

    Returns:
        The membership as stored: from the day, or from the earlier start of a period it extends.

    Raises:
        NotFound: a key names no organisation.
        InvalidInput: the member is the association.
        Conflict: a cycle would close, or a membership that ended before the day would lose its history.
        QueryError: the engine failed.
    """
    day = valid_from or datetime.date.today()
    action = f"make {member} a member of {association} from {day}"
    stored = await _pair(store, _MEMBER_OF, member, association)
    first_day = _extension_start(_MEMBER_OF, stored, member, association, day, action)
    record = {"member_key": member, "association_key": association, "valid_from": first_day, "valid_to": None}
    await _write(store, "memberships", [record], action)
    return Membership(member, association, first_day, None)


@_one_at_a_time
async def end_membership(
    store: Store, *, member: str, association: str, valid_to: datetime.date | None = None
) -> Membership:
    """End the membership of an organisation in an association that is in force on a day, on that day.

    Args:
        store: the graph.
        member: the key of the member.
        association: the key of the association.
        valid_to: the last day; None for today.

    Returns:
        The membership as ended.

    Raises:
        NotFound: a key names no organisation, or the membership is not in force that day.
        QueryError: the engine failed.
    """
    day = valid_to or datetime.date.today()
    first_day = (await _in_force_pair(store, _MEMBER_OF, member, association, day))["first_day"]
    record = {"member_key": member, "association_key": association, "valid_to": day}
    await _write(store, "memberships", [record], f"end the membership of {member} in {association} on {day}")
    return Membership(member, association, first_day, day)


@_one_at_a_time
async def set_supply(
    store: Store, *, supplier: str, customer: str, since: datetime.date | None = None, note: str | None = None
) -> Supply:
    """Record that one organisation supplies another from a day on.

    Args:
        store: the graph.
        supplier: the key of the supplier.
        customer: the key of the customer.
        since: the first day; None for today.
        note: the link's note; None keeps the stored one.

    Returns:
        The link as stored: from the day, or from the earlier start of a period it extends.

    Raises:
        NotFound: a key names no organisation.
        Conflict: a supply that ended before the day would lose its history.
        QueryError: the engine failed.
    """
    day = since or datetime.date.today()
    action = f"record that {supplier} supplies {customer} from {day}"
    stored = await _pair(store, _SUPPLIES, supplier, customer)
    first_day = _extension_start(_SUPPLIES, stored, supplier, customer, day, action)
    record = {"supplier_key": supplier, "customer_key": customer, "since": first_day, "until": None}
    if note is not None:
        record["note"] = note
    await _write(store, "supplies", [record], action)
    return Supply(supplier, customer, first_day, None, note if note is not None else stored["note"])


@_one_at_a_time
async def end_supply(store: Store, *, supplier: str, customer: str, until: datetime.date | None = None) -> Supply:
    """End the supply from one organisation to another that is in force on a day, on that day.

    Args:
        store: the graph.
        supplier: the key of the supplier.
        customer: the key of the customer.
        until: the last day; None for today.

    Returns:
        The link as ended.

    Raises:
        NotFound: a key names no organisation, or the supply is not in force that day.
        QueryError: the engine failed.
    """
    day = until or datetime.date.today()
    stored = await _in_force_pair(store, _SUPPLIES, supplier, customer, day)
    record = {"supplier_key": supplier, "customer_key": customer, "until": day}
    await _write(store, "supplies", [record], f"end the supply from {supplier} to {customer} on {day}")
    return Supply(supplier, customer, stored["first_day"], day, stored["note"])


@_one_at_a_time
async def relate(store: Store, *, from_key: str, to_key: str, type: str, note: str | None = None) -> Relation:
    """Create or update the custom `RELATED_TO` link of a registered type between organisations or contacts.

    Args:
        store: the graph.
        from_key: the key of the organisation or contact the link starts from.
        to_key: the key of the one it leads to.
        type: a registered relationship type, such as `consultant_of`.
        note: the link's note; None for none.

    Returns:
        The link as stored.

    Raises:
        NotFound: a key names no organisation or contact.
        InvalidInput: the type is not registered, or the two ends are the same.
        Conflict: a key is both an organisation's and a contact's.
        QueryError: the engine failed.
    """
    record = {"from_key": from_key, "to_key": to_key, "type": type, "note": note}
    await _write(store, "relationships", [record], f"relate {from_key} to {to_key} as {type}")
    return Relation(from_key, to_key, type, note)


@_one_at_a_time
async def unrelate(store: Store, *, from_key: str, to_key: str, type: str) -> Relation:
    """Delete the custom `RELATED_TO` link of a type between organisations or contacts.

    Args:
        store: the graph.
        from_key: the key of the organisation or contact the link starts from.
        to_key: the key of the one it leads to.
        type: the link's type.

    Returns:
        The link as it was.

    Raises:
        NotFound: there is no such link.
        QueryError: the engine failed.
    """
    rows = await store.write(DELETE_RELATIONSHIP, {"from_key": from_key, "to_key": to_key, "type": type})
    if not rows:
        raise NotFound(f"there is no {type!r} relationship from {from_key} to {to_key}")
    return Relation(from_key, to_key, type, rows[0]["note"])


async def _write(store: Store, kind: str, records: Sequence[Mapping[str, Any]], action: str) -> None:
    """Load the records of one change, all or nothing; raise the error of its rejections when refused."""
    report = await loading.load_records(store, kind, records)
    if not report.rejections:
        return
    causes = {rejection.cause for rejection in report.rejections}
    error = next(error for cause, error in _ERRORS if cause in causes)
    reasons = [f"{r.field}: {r.reason}" if r.field else r.reason for r in report.rejections]
    raise error(f"cannot {action}: {'; '.join(reasons)}")


async def _parent_periods(store: Store, child: str) -> list[Link]:
    """Return every stored `PARENT_OF` period of an organisation, or raise NotFound."""
    rows = await store.read(FIND_PARENT_PERIODS, {"key": child})
    if not rows:
        raise NotFound(f"no organisation has the key {child!r}")
    return [
        Link(
            row["parent"],
            child,
            row["valid_from"],
            row["valid_to"],
            row["kind"] or rules.DEFAULT_KIND,
            row["share"],
        )
        for row in rows
        if row["parent"] is not None
    ]


def _in_force(periods: Sequence[Link], day: datetime.date) -> Link | None:
    """Return the period valid on `day`; the latest-starting one should stored data break the one-parent rule."""
    valid = [link for link in periods if _covers(link.valid_from, link.valid_to, day)]
    return max(valid, key=lambda link: link.valid_from or datetime.date.min, default=None)


def _covers(first_day: datetime.date | None, last_day: datetime.date | None, day: datetime.date) -> bool:
    return (first_day is None or first_day <= day) and (last_day is None or day <= last_day)


def _parent_record(link: Link) -> dict[str, Any]:
    """Return a `parents` record that sets every field of the period."""
    return {
        "parent_key": link.parent,
        "child_key": link.child,
        "kind": link.kind,
        "valid_from": link.valid_from,
        "valid_to": link.valid_to,
        "share": link.share,
    }


def _ending(link: Link) -> dict[str, Any]:
    """Return a `parents` record that sets only the period's end: its kind and share stay as stored."""
    return {
        "parent_key": link.parent,
        "child_key": link.child,
        "valid_from": link.valid_from,
        "valid_to": link.valid_to,
    }


@dataclass(frozen=True)
class _Pair:
    """A link type with one link per pair of organisations and one period: `MEMBER_OF` or `SUPPLIES`.

    Attributes:
        find: the query of the two organisations and the link between them.
        describe: names the link between two keys in a reason, e.g. `the membership of A in B`.
    """

    find: Query
    describe: str


_MEMBER_OF = _Pair(FIND_MEMBERSHIP, "the membership of {} in {}")
_SUPPLIES = _Pair(FIND_SUPPLY, "the supply from {} to {}")


async def _pair(store: Store, pair: _Pair, from_key: str, to_key: str) -> Row:
    """Return the stored link between two organisations (`linked`, `first_day`, `last_day`), or raise NotFound."""
    row = (await store.read(pair.find, {"from_key": from_key, "to_key": to_key}))[0]
    for key, found in ((from_key, row["from_found"]), (to_key, row["to_found"])):
        if not found:
            raise NotFound(f"no organisation has the key {key!r}")
    return row


def _extension_start(
    pair: _Pair, stored: Row, from_key: str, to_key: str, day: datetime.date, action: str
) -> datetime.date | None:
    """Return the first day of the link made valid from `day` on: `day`, or the earlier start of the stored period.

    Raises:
        Conflict: the stored period ended before the day before `day`; moving its dates would erase it.
    """
    if not stored["linked"]:
        return day
    first_day, last_day = stored["first_day"], stored["last_day"]
    if last_day is not None and (day - last_day).days > 1:
        raise Conflict(
            f"cannot {action}: {pair.describe.format(from_key, to_key)} ran from {first_day or '(open)'} "
            f"to {last_day}; it is one link with one period, so a new period would erase that history"
        )
    return None if first_day is None else min(first_day, day)


async def _in_force_pair(store: Store, pair: _Pair, from_key: str, to_key: str, day: datetime.date) -> Row:
    """Return the stored link between two organisations when it is in force on `day`; else raise NotFound."""
    stored = await _pair(store, pair, from_key, to_key)
    if not stored["linked"] or not _covers(stored["first_day"], stored["last_day"], day):
        raise NotFound(f"{pair.describe.format(from_key, to_key)} is not in force on {day}")
    return stored
