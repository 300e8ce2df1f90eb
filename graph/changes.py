"""The record of what each write changed of what the snapshot holds, kept in the graph beside its revision.

Every write replaces the graph's revision token and numbers itself with the next sequence number, and in the
same transaction leaves a `Change` node (graph/schema/revision.py): the keys of the organisations whose node,
PARENT_OF links to their parents, bookings or ASSIGNED_TO links it may have changed, of those whose links to
their children it may have changed as a whole (a merge), whether it changed territories, or that it may have
changed anything. A write query declares what it touches (:class:`graph.queries.Touches`), so the keys
come from its parameters; a bulk insert names the organisations of its rows. A snapshot that is behind reads the
records after its own sequence number and reads again only what they name (graph/following.py).

The graph keeps the last CHANGES_KEPT records. A write that names more than KEYS_RECORDED organisations (a batch
of a bulk load) records that it changed everything: a reader then reads the whole graph again.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.queries import Query, declare
from graph.store import FIND_REVISION, Insertion, Store

RECORD_CHANGE = declare("changes/record_change", touches=None)
FIND_CHANGES = declare("changes/find_changes")

# How many change records the graph keeps: a reader further behind reads the whole graph again.
CHANGES_KEPT = 200
# The most organisation keys one record names; a write that changes more records that it changed everything.
KEYS_RECORDED = 10_000
# The labels and link types the snapshot reads, of which a bulk insert names the organisations.
HELD_LINKS = ("PARENT_OF", "BOOKED_FOR", "ASSIGNED_TO")


@dataclass(frozen=True)
class Changes:
    """What one write may have changed of what the snapshot holds.

    Attributes:
        organisations: the keys of the organisations whose node, PARENT_OF links to their parents, bookings or
            ASSIGNED_TO links it may have created, changed or removed (a link between two organisations is named
            by its child).
        children_of: the keys of the organisations whose PARENT_OF links to their children it may have changed
            otherwise than through children named in `organisations` (a merge moves them all).
        territories: whether it may have created, changed or removed a territory.
        properties: whether it may have changed the properties of those organisations (what search finds them by).
        everything: whether it may have changed anything (the other fields then say nothing).
    """

    organisations: frozenset[str] = frozenset()
    children_of: frozenset[str] = frozenset()
    territories: bool = False
    properties: bool = False
    everything: bool = False

    def params(self) -> dict[str, Any]:
        """Return the parameters of :data:`RECORD_CHANGE`, which records them with a new revision token, never one
        used before."""
        too_many = len(self.organisations) + len(self.children_of) > KEYS_RECORDED
        return {
            "token": uuid.uuid4().hex,
            "organisations": [] if too_many else sorted(self.organisations),
            "children_of": [] if too_many else sorted(self.children_of),
            "territories": self.territories,
            "properties": self.properties,
            "everything": self.everything or too_many,
            "kept": CHANGES_KEPT,
        }


EVERYTHING = Changes(everything=True)


def of_write(query: Query, params: Mapping[str, Any] | None) -> Changes:
    """Return what a write of `query` with `params` may change, by what the query declares it touches."""
    touches = query.touches
    if touches is None:
        return EVERYTHING
    return Changes(
        _keys(touches.organisations, params or {}),
        _keys(touches.children_of, params or {}),
        touches.territories,
        touches.properties,
    )


def _keys(names: tuple[str, ...], params: Mapping[str, Any]) -> frozenset[str]:
    """Return the keys the parameters `names` hold (`name`, or `rows.field` of each of `$rows`)."""
    keys: set[str] = set()
    for name in names:
        collection, _, field = name.rpartition(".")
        values = [row.get(field) for row in params.get(collection) or ()] if collection else [params.get(name)]
        keys.update(value for value in values if isinstance(value, str))
    return frozenset(keys)


def of_insertion(insertion: Insertion, rows: Sequence[Sequence[Any]]) -> Changes:
    """Return what a bulk insert of `rows` changes: the organisations it creates, or those its held links start or
    end at, and whether it creates territories."""
    if insertion.name == "Territory":
        return Changes(territories=True)
    if insertion.name == "Organisation":
        position = insertion.properties.index("key")
        return Changes(frozenset(row[position] for row in rows), properties=True)
    if insertion.name not in HELD_LINKS:
        return Changes()
    # A link between two organisations is named by its child.
    named = (None, insertion.target) if insertion.name == "PARENT_OF" else (insertion.source, insertion.target)
    ends = [number for number, end in enumerate(named) if end is not None and end.label == "Organisation"]
    return Changes(frozenset(row[number] for row in rows for number in ends))


@dataclass(frozen=True)
class Position:
    """Where the graph's data stands: its revision token (None before the first write) and sequence number."""

    token: str | None
    sequence: int


async def position(store: Store) -> Position:
    """Return the graph's revision token and sequence number: one small query."""
    rows = await store.read(FIND_REVISION)
    return Position(rows[0]["token"], rows[0]["sequence"]) if rows else Position(None, 0)


@dataclass(frozen=True)
class Record:
    """One write's change record, as read back: its sequence number, the token it replaced and the one it set."""

    sequence: int
    previous: str | None
    token: str
    changes: Changes


async def records_since(store: Store, sequence: int) -> list[Record]:
    """Return the change records after `sequence`, oldest first: those the graph still keeps."""
    return [
        Record(
            row["sequence"],
            row["previous"],
            row["token"],
            Changes(
                frozenset(row["organisations"] or ()),
                frozenset(row["children_of"] or ()),
                bool(row["territories"]),
                bool(row["properties"]),
                bool(row["everything"]),
            ),
        )
        for row in await store.read(FIND_CHANGES, {"since": sequence})
    ]


def union(changes: Iterable[Changes]) -> Changes:
    """Return what a sequence of writes changed together."""
    keys: set[str] = set()
    children_of: set[str] = set()
    territories = properties = everything = False
    for change in changes:
        keys |= change.organisations
        children_of |= change.children_of
        territories |= change.territories
        properties |= change.properties
        everything |= change.everything
    return Changes(frozenset(keys), frozenset(children_of), territories, properties, everything)
