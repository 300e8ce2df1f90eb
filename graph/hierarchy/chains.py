"""The lookups of organisations along their `PARENT_OF` links on a day that other modules build on.

Use it as a module: `from graph.hierarchy import chains`, then for example
`await chains.ancestor_chains(store, keys=…, as_of=…)`. Nothing here filters for a viewer: the reads the API
answers with (:mod:`graph.hierarchy.reads`) filter through :mod:`graph.visibility`, which itself uses these
lookups.

A link is valid on day D when (valid_from is empty or valid_from <= D) and (valid_to is empty or
D <= valid_to). Ancestors are climbed in one query (a variable-length path up, every link checked on the day,
which agreed with a plain-Python reference where other variable-length forms did not); a chain that breaks
the rules (two parents on a day, a cycle) is climbed again one level per query, so no depth is capped and
each organisation is shown once. Subtrees and roots are read from the snapshot's structure of the day
(:mod:`graph.snapshot`), and so is the :class:`Scope` of an organisation that rollups and activity lists read
(:func:`scope_ids`).
"""

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from graph import snapshot, snapshots
from graph.errors import NotFound
from graph.queries import declare
from graph.store import Row, Store

FIND_ORGANISATION_NAMES = declare("hierarchy/find_organisation_names")
FIND_VALID_PARENTS = declare("hierarchy/find_valid_parents", days=("valid_from", "valid_to"))
FIND_VALID_ANCESTORS = declare("hierarchy/find_valid_ancestors")

# Keys sent in one query when a level of organisations is looked up.
FRONTIER_CHUNK = 5000


class Scope(enum.StrEnum):
    """Which organisations a read over an organisation's place in the structure of a day takes."""

    SELF = "self"
    SUBTREE = "subtree"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Node:
    """An organisation seen from one below it: an ancestor, or a root.

    Attributes:
        key: the organisation's key.
        name: its name.
        kind: the kind (`legal` or `branch`) of its link to the organisation below it on the way
            up; None for an organisation that is its own root.
        depth: how many levels above the organisation asked about: 1 for the parent, 0 for itself.
        country: its country (ISO 3166 alpha-2); None when it has none.
    """

    key: str
    name: str | None
    kind: str | None
    depth: int
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ParentLink:
    """The `PARENT_OF` link above an organisation on a day.

    Attributes:
        key: the parent's key.
        name: the parent's name.
        kind: `legal` or `branch`.
        valid_from: the link's first day; None when open.
        valid_to: the link's last day; None when open.
        share: ownership in percent, or None.
    """

    key: str
    name: str | None
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    share: float | None


@dataclass(frozen=True, slots=True)
class LinkAbove:
    """An organisation with its name and country, and the `PARENT_OF` link above it on a day.

    Attributes:
        key: the organisation's key.
        name: its name.
        country: its country (ISO 3166 alpha-2); None when it has none.
        parent: the link to its parent that day.
    """

    key: str
    name: str | None
    country: str | None
    parent: ParentLink


def not_found(key: str) -> NotFound:
    """Return the error for a key no organisation has."""
    return NotFound(f"no organisation has the key {key!r}")


async def ancestor_chains(store: Store, *, keys: Sequence[str], as_of: datetime.date) -> dict[str, list[Node]]:
    """Return the ancestors on a day of each organisation in `keys`, nearest first.

    One query per chunk of keys follows every chain up to its root, with no depth cap. A chain that
    breaks the rules (two parents on a day, a cycle) is climbed again level by level, one query per
    level, taking the parent with the smallest key. An unknown key has no ancestors.

    Raises:
        QueryError: the engine failed a read.
    """
    return (await chains_and_selves(store, keys=keys, as_of=as_of))[0]


async def chains_and_selves(
    store: Store, *, keys: Sequence[str], as_of: datetime.date
) -> tuple[dict[str, list[Node]], dict[str, Node]]:
    """Return :func:`ancestor_chains`, and each organisation in `keys` that has a parent on the day (depth 0)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, list[Row]] = defaultdict(list)
    for start in range(0, len(wanted), FRONTIER_CHUNK):
        batch = wanted[start : start + FRONTIER_CHUNK]
        for row in await store.read(FIND_VALID_ANCESTORS, {"keys": batch, "as_of": as_of}):
            found[row["child"]].append(row)
    chains: dict[str, list[Node]] = {}
    selves = {key: Node(key, rows[0]["child_name"], None, 0, rows[0]["child_country"]) for key, rows in found.items()}
    broken = []
    for key in wanted:
        rows = sorted(found[key], key=lambda row: row["depth"])
        above = {row["key"] for row in rows}
        # Keeping the rules, one path reaches each ancestor: depths 1, 2, 3 … once each, no key twice.
        if [row["depth"] for row in rows] == list(range(1, len(rows) + 1)) and len(above - {key}) == len(rows):
            chains[key] = [Node(row["key"], row["name"], row["kind"], row["depth"], row["country"]) for row in rows]
        else:
            broken.append(key)
    if broken:
        chains.update(await _climb_level_by_level(store, keys=broken, as_of=as_of))
    return chains, selves


async def _climb_level_by_level(store: Store, *, keys: Sequence[str], as_of: datetime.date) -> dict[str, list[Node]]:
    """Return the ancestors of each key as :func:`ancestor_chains` does, one query per level for the whole frontier.

    Slower, but keeps the promise on data that breaks the rules: the smallest parent key, each ancestor once.
    """
    chains: dict[str, list[Node]] = {key: [] for key in keys}
    seen = {key: {key} for key in keys}
    tops = {key: key for key in keys}  # each chain's highest organisation so far
    while tops:
        frontier = sorted(set(tops.values()))
        parents: dict[str, Row] = {}
        for start in range(0, len(frontier), FRONTIER_CHUNK):
            batch = frontier[start : start + FRONTIER_CHUNK]
            for row in await store.read(FIND_VALID_PARENTS, {"keys": batch, "as_of": as_of}):
                # More than one parent only on data that breaks the rules: the smallest key is taken.
                if row["child"] not in parents or row["key"] < parents[row["child"]]["key"]:
                    parents[row["child"]] = row
        climbing = {}
        for key, top in tops.items():
            row = parents.get(top)
            if row is None or row["key"] in seen[key]:
                continue  # the root, or a cycle in data that breaks the rules: stop where it closes
            seen[key].add(row["key"])
            chains[key].append(Node(row["key"], row["name"], row["kind"], len(chains[key]) + 1, row["country"]))
            climbing[key] = row["key"]
        tops = climbing
    return chains


async def subtree_keys(store: Store, *, snapshots: snapshots.Snapshots, key: str, as_of: datetime.date) -> list[str]:
    """Return the key of an organisation and of all its `PARENT_OF` descendants on a day, each once.

    For reads over a whole subtree (its contacts, its suppliers): pass the root's key for a group. Read from
    the snapshot's structure of the day (:mod:`graph.snapshot`).

    Returns:
        `key` first, then the descendants level by level, each level ordered by key.

    Raises:
        NotFound: no organisation has the key.
        QueryError: the engine failed a read.
    """
    found = await snapshots.current()
    organisation = found.id_of(key)
    if organisation is None:
        raise not_found(key)
    forest = await found.forest(as_of)
    below = forest.subtree(organisation)
    # Ids are in key order: by depth, then id, is level by level and by key.
    return found.keys_of(below[np.lexsort((below, forest.depth[below]))].tolist())


async def scope_ids(
    found: snapshot.Snapshot, *, asked: int, as_of: datetime.date, scope: Scope
) -> tuple[int, np.ndarray, snapshot.Forest | None]:
    """Return the top of an organisation's scope on a day, the snapshot ids of the scope and the structure of the day.

    Args:
        found: the snapshot.
        asked: the organisation's snapshot id.
        as_of: the day whose structure counts.
        scope: `self`: the organisation alone; `subtree`: it and its `PARENT_OF` descendants that day; `group`:
            everything under its root that day, the root included.

    Returns:
        The top (the organisation, or its root for `group`), the ids of the scope with the top first and the rest
        in pre-order, and the structure of the day; None for `self`, which needs none.

    Raises:
        QueryError: the links of the day form a cycle.
    """
    if scope is Scope.SELF:
        return asked, np.array([asked]), None
    forest = await found.forest(as_of)
    top = int(forest.root[asked]) if scope is Scope.GROUP else asked
    return top, forest.subtree(top), forest


async def roots(store: Store, *, snapshots: snapshots.Snapshots, as_of: datetime.date) -> dict[str, str]:
    """Return the root on a day of every organisation: the key of its group's ultimate parent (its own for a root).

    For whole-graph work: read from the snapshot's structure of the day (:mod:`graph.snapshot`).

    Returns:
        The root's key by each organisation's key.

    Raises:
        QueryError: the engine failed a read.
    """
    found = await snapshots.current()
    forest = await found.forest(as_of)
    return dict(zip(found.keys, found.keys_of(forest.root.tolist()), strict=True))


async def links_above(store: Store, *, keys: Iterable[str], as_of: datetime.date) -> dict[str, list[LinkAbove]]:
    """Return each organisation in `keys` with the `PARENT_OF` links above it valid on a day, by its key.

    One link for an organisation with a parent, none for a root or a key no organisation has; more than one only on
    data that breaks the rules. One query for up to FRONTIER_CHUNK keys.

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    found: dict[str, list[LinkAbove]] = defaultdict(list)
    for start in range(0, len(wanted), FRONTIER_CHUNK):
        chunk = wanted[start : start + FRONTIER_CHUNK]
        for row in await store.read(FIND_VALID_PARENTS, {"keys": chunk, "as_of": as_of}):
            link = ParentLink(row["key"], row["name"], row["kind"], row["valid_from"], row["valid_to"], row["share"])
            found[row["child"]].append(LinkAbove(row["child"], row["child_name"], row["child_country"], link))
    return dict(found)


async def names(store: Store, *, keys: Iterable[str]) -> dict[str, str | None]:
    """Return the name of each organisation in `keys` by its key; a key no organisation has is left out.

    Raises:
        QueryError: the engine failed a read.
    """
    return {key: name for key, (name, _) in (await names_and_countries(store, keys=keys)).items()}


async def names_and_countries(store: Store, *, keys: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """Return the name and country of each organisation in `keys` by its key; a key no organisation has is left out.

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    found: dict[str, tuple[str | None, str | None]] = {}
    for start in range(0, len(wanted), FRONTIER_CHUNK):
        rows = await store.read(FIND_ORGANISATION_NAMES, {"keys": wanted[start : start + FRONTIER_CHUNK]})
        found.update((row["key"], (row["name"], row["country"])) for row in rows)
    return found
