"""The hierarchy of organisations on a day as a viewer sees it: the reads behind the organisation endpoints.

Use it as a module: `from graph.hierarchy import reads`, then for example
`await reads.descendants(store, key=…, as_of=…, viewer=…)`.

:func:`detail`, :func:`ancestors`, :func:`ancestry`, :func:`root`, :func:`domestic_root`, :func:`descendants`,
:func:`group` and :func:`siblings` each see the `PARENT_OF` links as they stood on `as_of`
(:mod:`graph.hierarchy.chains` climbs them). Those the API answers with take a `viewer` (docs/hierarchy.md,
"Visibility"): an organisation the viewer may not see raises the NotFound of a missing key, and what they may
not see is left out and counted, through :func:`graph.visibility.visible_keys`, the one filter shared with the
connection and contact reads. They walk down one level per query (the keys of the whole level, in chunks of
`FRONTIER_CHUNK` keys, with `UNWIND`): so no depth is capped and nothing is counted twice. Only the
organisations on the page are then fetched with their names, kinds and parents. A page of descendants costs
the walk down to the deepest level it shows (the levels above it are walked again for each page, as a cursor
holds only a position); a group's `member_count` costs the walk of the whole group for every page: O(members)
keys (docs/hierarchy.md, "Costs", has the figures). Should stored data break the rules (two parents on one
day, a cycle), the reads still end: each organisation is shown once, at its smallest depth, under the parent
with the smallest key.
"""

import bisect
import datetime
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph import paging, visibility
from graph.errors import InvalidInput
from graph.hierarchy import chains
from graph.hierarchy.chains import FIND_VALID_PARENTS, FRONTIER_CHUNK, Node, ParentLink
from graph.queries import declare
from graph.schema.organisation import PARENT_KINDS
from graph.store import Row, Store

FIND_ORGANISATION = declare("hierarchy/find_organisation")
FIND_ORGANISATION_DETAIL = declare("hierarchy/find_organisation_detail", days=("valid_from", "valid_to"))
FIND_VALID_CHILD_KEYS = declare("hierarchy/find_valid_child_keys")


@dataclass(frozen=True, slots=True)
class Member:
    """An organisation below another one: a descendant, a group member or a sibling.

    Attributes:
        key: the organisation's key.
        name: its name.
        kind: the kind (`legal` or `branch`) of the link from its parent.
        depth: how many levels below the organisation asked about (the root for a group): 1 for a
            child; 0 for a sibling, which is on the organisation's own level. Levels the viewer may
            not see count too.
        parent_key: the key of its parent on that day; None when the viewer may not see the parent.
    """

    key: str
    name: str | None
    kind: str
    depth: int
    parent_key: str | None


@dataclass(frozen=True, slots=True)
class Detail:
    """An organisation as it stood on a day: its stored properties, its parent and how many children it had.

    Attributes:
        properties: the organisation's stored properties by name (absent ones left out).
        parent: the link to its parent that day; None for a root, or when the viewer may not see the parent.
        child_count: how many organisations it was the `PARENT_OF` parent of that day, of those the viewer sees.
        domestic_root: the domestic ultimate parent as :func:`domestic_root` shows it to the viewer; the
            organisation itself when it is its own.
        hidden_count: how many of its parent and children the viewer may not see.
    """

    properties: dict[str, Any]
    parent: ParentLink | None
    child_count: int
    domestic_root: Node
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class Ancestry:
    """The ancestors of an organisation on a day, as a viewer sees them.

    Attributes:
        ancestors: the ancestors the viewer sees, nearest first.
        hidden_count: how many ancestors the viewer may not see.
        root: the ultimate parent when the viewer sees it; else the topmost ancestor the viewer sees;
            else the organisation itself (depth 0, kind None).
        hidden_above_root: how many ancestors above `root` the viewer may not see; 0 when `root` is the
            ultimate parent.
    """

    ancestors: list[Node]
    hidden_count: int
    root: Node
    hidden_above_root: int

    @property
    def is_ultimate(self) -> bool:
        """Return whether `root` is the ultimate parent of the organisation's group."""
        return self.hidden_above_root == 0


@dataclass(frozen=True, slots=True)
class DomesticRoot:
    """The domestic ultimate parent of an organisation on a day, as a viewer sees it (docs/hierarchy.md).

    Attributes:
        root: the topmost organisation of the chain up from the organisation, itself included, that is in
            the organisation's country and that the viewer sees; the organisation itself when no ancestor
            is, or when it has no country.
        country: the organisation's country, the one `root` was sought in; None when it has none.
        hidden_above_root: how many ancestors above `root` the viewer may not see, whatever their country;
            0 when the organisation has no country.
    """

    root: Node
    country: str | None
    hidden_above_root: int

    @property
    def is_ultimate(self) -> bool:
        """Return whether the viewer knows `root` to be the domestic ultimate parent: nothing above it is hidden."""
        return self.hidden_above_root == 0


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A member with the members below it, for a nested view of a flat list.

    Attributes:
        member: the organisation and its link from its parent.
        children: the nodes whose parent it is, in the order of the list.
    """

    member: Member
    children: list["TreeNode"]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a long list.

    Attributes:
        items: the members on this page, in order of depth, then key.
        next_cursor: give it as `cursor` to get the next page; None when this page is the last.
        hidden_count: how many members of the whole list the viewer may not see (left out of every page).
    """

    items: list[Member]
    next_cursor: str | None
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """The whole group of an organisation: everything under its root on one day.

    Attributes:
        root: the root of the group (its `depth` counts the levels up from the organisation asked about),
            as :attr:`Ancestry.root`: the topmost organisation of the chain the viewer sees.
        members: one page of the members below the ultimate root that the viewer sees, depth counted
            from the ultimate root; `root` itself is not a member. Its `hidden_count` counts the
            members the viewer may not see.
        member_count: how many members the group has in all (each counted once), of those the viewer sees.
        is_ultimate: whether `root` is the ultimate root, which the viewer then sees.
    """

    root: Node
    members: Page
    member_count: int
    is_ultimate: bool = True

    @property
    def hidden_count(self) -> int:
        """Return how many organisations of the group, the ultimate root included, the viewer may not see."""
        return self.members.hidden_count + (0 if self.is_ultimate else 1)


async def detail(store: Store, *, key: str, as_of: datetime.date, viewer: visibility.Viewer | None = None) -> Detail:
    """Return an organisation with its parent and its number of children on a day.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day count.
        viewer: whose view: the parent and children they may not see are left out and counted in
            `hidden_count`; None for no filter.

    Returns:
        The organisation's properties, its parent link (None for a root), its child count and its
        domestic ultimate parent.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    rows = await store.read(FIND_ORGANISATION_DETAIL, {"key": key, "as_of": as_of})
    if not rows:
        raise visibility.not_found(key)
    properties = rows[0]["properties"]
    itself = Node(key, properties.get("name"), None, 0, properties.get("country"))
    chain = (await chains.ancestor_chains(store, keys=[key], as_of=as_of))[key]
    parents = sorted((row for row in rows if row["parent_key"] is not None), key=lambda row: row["parent_key"])
    parent = None
    if parents:  # more than one only on data that breaks the rules: the smallest key, as the other reads take
        row = parents[0]
        parent = ParentLink(
            row["parent_key"], row["parent_name"], row["kind"], row["valid_from"], row["valid_to"], row["share"]
        )
    if not visibility.filters(viewer):
        everything = {node.key for node in chain}
        return Detail(properties, parent, rows[0]["child_count"], _Climb(itself, chain, everything).domestic().root)
    children = await _child_keys(store, [key], as_of, sorted(PARENT_KINDS))
    around = {key, *children, *([parent.key] if parent else [])}
    # One visibility read for the neighbours and the ancestors the domestic root is chosen from.
    seen = await visibility.visible_keys(store, viewer=viewer, keys=around | {node.key for node in chain})
    if key not in seen:
        raise visibility.not_found(key)
    shown_parent = parent if parent is None or parent.key in seen else None
    domestic = _Climb(itself, chain, seen).domestic().root
    return Detail(properties, shown_parent, len(seen & children), domestic, len(around - seen))


async def ancestors(store: Store, *, key: str, as_of: datetime.date) -> list[Node]:
    """Return the `PARENT_OF` ancestors of an organisation on a day, nearest first.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day are followed.

    Returns:
        The parent (depth 1), its parent (depth 2) … up to the root; empty when the organisation
        has no parent that day. Each kind is that of the link to the ancestor's child on the way.

    Raises:
        NotFound: no organisation has the key.
        QueryError: the engine failed a read.
    """
    return (await ancestry(store, key=key, as_of=as_of)).ancestors


async def ancestry(
    store: Store, *, key: str, as_of: datetime.date, viewer: visibility.Viewer | None = None
) -> Ancestry:
    """Return the ancestors of an organisation on a day and its root, as a viewer sees them.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day are followed.
        viewer: whose view: ancestors they may not see are left out and counted; None for no filter.

    Returns:
        The ancestors as :func:`ancestors` gives them, less those the viewer may not see, and the
        root: the ultimate parent, or the topmost organisation of the chain the viewer sees.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    return (await _climb(store, key=key, as_of=as_of, viewer=viewer)).ancestry()


async def root(store: Store, *, key: str, as_of: datetime.date) -> Node:
    """Return the ultimate parent of an organisation on a day.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day are followed.

    Returns:
        The farthest ancestor, with its depth and the kind of its link down; the organisation
        itself (depth 0, kind None) when it has no parent that day.

    Raises:
        NotFound: no organisation has the key.
        QueryError: the engine failed a read.
    """
    return (await ancestry(store, key=key, as_of=as_of)).root


async def domestic_root(
    store: Store, *, key: str, as_of: datetime.date, viewer: visibility.Viewer | None = None
) -> DomesticRoot:
    """Return the domestic ultimate parent of an organisation on a day, as a viewer sees it.

    The topmost organisation of the chain up, the organisation itself included, in the organisation's
    country, wherever the chain leaves the country between them (D&B's "domestic ultimate");
    docs/hierarchy.md has the edge cases.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day are followed.
        viewer: whose view: the topmost such organisation they see, with the ancestors above it they may
            not see counted; None for no filter.

    Returns:
        The domestic root, the country it was sought in, and the hidden ancestors above it.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    return (await _climb(store, key=key, as_of=as_of, viewer=viewer)).domestic()


async def descendants(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    max_depth: int | None = None,
    kinds: Collection[str] | None = None,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of the `PARENT_OF` descendants of an organisation on a day, as a flat list.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day are followed.
        max_depth: the deepest level shown (1 = children only); None for no limit.
        kinds: the link kinds followed (`legal`, `branch`); None follows every kind. A link of
            another kind is not followed at all, so nothing below it is shown either, even
            through links of a followed kind: `{"branch"}` from a holding shows its own branches,
            not those of its subsidiaries.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: descendants they may not see are left out (those below them are still
            shown when seen) and counted over the whole list; None for no filter.

    Returns:
        The page, its items ordered by depth, then key.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: `max_depth` is negative, `limit` out of range, a kind unknown, or the cursor
            not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = _decode_position(cursor)
    followed = _followed_kinds(kinds)
    if max_depth is not None and max_depth < 0:
        raise InvalidInput(f"max_depth must be 0 or more, not {max_depth}")
    await _organisation(store, key)
    await visibility.require_visible(store, viewer=viewer, key=key)
    # A viewer's hidden_count is over the whole list, so the walk goes on past the page for them.
    walk = await _walk(
        store,
        top=key,
        shown_top=True,
        as_of=as_of,
        kinds=followed,
        max_depth=max_depth,
        after=after,
        limit=limit,
        viewer=viewer,
        whole=visibility.filters(viewer),
    )
    return _page(walk.items, limit, walk.hidden_count)


async def group(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Group:
    """Return the whole group of an organisation on a day: its root and one page of the root's descendants.

    Args:
        store: the graph.
        key: the key of any organisation in the group.
        as_of: the day; only links valid that day are followed.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most members on a page, 1 to MAX_LIMIT.
        viewer: whose view: the root is the one :func:`ancestry` gives them, members they may not see
            are left out and counted; None for no filter.

    Returns:
        The root, the page of members (every kind of link followed, ordered by depth from the
        ultimate root, then key) and how many members there are in all.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = _decode_position(cursor)
    climb = await _climb(store, key=key, as_of=as_of, viewer=viewer)
    seen = climb.ancestry()
    # The whole group is walked for its count (each organisation once); the page is taken on the way.
    walk = await _walk(
        store,
        top=climb.ultimate.key,
        shown_top=seen.is_ultimate,
        as_of=as_of,
        kinds=sorted(PARENT_KINDS),
        max_depth=None,
        after=after,
        limit=limit,
        viewer=viewer,
        whole=True,
        left_out={seen.root.key},
    )
    return Group(seen.root, _page(walk.items, limit, walk.hidden_count), walk.shown_count, seen.is_ultimate)


async def siblings(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Page:
    """Return one page of the other children of an organisation's parent on a day (its sister companies).

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day; only links valid that day count.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: siblings they may not see are left out and counted, and the parent's key
            is shown only when they see it; None for no filter.

    Returns:
        The page, its items ordered by key, each at depth 0 with the shared parent as `parent_key`;
        empty when the organisation has no parent that day (roots are not siblings of each other).

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str)
    await _organisation(store, key)
    await visibility.require_visible(store, viewer=viewer, key=key)
    rows = await store.read(FIND_VALID_PARENTS, {"keys": [key], "as_of": as_of})
    if not rows:
        return Page([], None)
    parent = min(row["key"] for row in rows)  # more than one only on data that breaks the rules
    others = await _child_keys(store, [parent], as_of, sorted(PARENT_KINDS)) - {key}
    seen = await visibility.visible_keys(store, viewer=viewer, keys=others | {parent})
    keys = sorted(others & seen)
    hidden = len(others) - len(keys)
    if after is not None:
        keys = keys[bisect.bisect_right(keys, after[0]) :]
    level = _Level(0, keys, frozenset([parent]))
    items = _hide_parents(await _members(store, level, keys[: limit + 1], as_of, PARENT_KINDS), seen)
    if len(items) <= limit:
        return Page(items, None, hidden)
    return Page(items[:limit], paging.encode_cursor(items[limit - 1].key), hidden)


def nest(members: Sequence[Member]) -> list[TreeNode]:
    """Return members as trees: each under its parent when the parent is among them, else at the top.

    Members of a page of :func:`descendants` come by depth, so a page's trees are whole from their
    tops down; a later page's tops hang below members of earlier pages (their `parent_key` says where).
    """
    nodes = {member.key: TreeNode(member, []) for member in members}
    tops = []
    for member in members:
        parent = nodes.get(member.parent_key)
        (parent.children if parent is not None else tops).append(nodes[member.key])
    return tops


async def _organisation(store: Store, key: str) -> Row:
    """Return the key, name and country of an organisation, or raise NotFound."""
    rows = await store.read(FIND_ORGANISATION, {"key": key})
    if not rows:
        raise visibility.not_found(key)
    return rows[0]


@dataclass(frozen=True, slots=True)
class _Climb:
    """An organisation, its ancestors on a day (nearest first), and which of them a viewer sees."""

    itself: Node
    chain: list[Node]
    seen: Collection[str]

    @property
    def ultimate(self) -> Node:
        """Return the ultimate root, whether the viewer sees it or not."""
        return self.chain[-1] if self.chain else self.itself

    def ancestry(self) -> Ancestry:
        """Return the ancestry as the viewer sees it."""
        shown = [node for node in self.chain if node.key in self.seen]
        top = shown[-1] if shown else self.itself
        # Every ancestor above the topmost one seen is hidden.
        return Ancestry(shown, len(self.chain) - len(shown), top, len(self.chain) - top.depth)

    def domestic(self) -> DomesticRoot:
        """Return the domestic ultimate parent as the viewer sees it."""
        country = self.itself.country
        if country is None:
            # An unknown country is the same as no other, not even another unknown one: the organisation is
            # its own domestic root, and nothing hidden above it could change that.
            return DomesticRoot(self.itself, None, 0)
        domestic = [node for node in self.chain if node.country == country and node.key in self.seen]
        top = domestic[-1] if domestic else self.itself
        # Hidden ancestors above are counted whatever their country: which of them share it is a property of
        # organisations the viewer may not see, so the answer must not depend on it.
        hidden = sum(1 for node in self.chain if node.depth > top.depth and node.key not in self.seen)
        return DomesticRoot(top, country, hidden)


async def _climb(store: Store, *, key: str, as_of: datetime.date, viewer: visibility.Viewer | None) -> _Climb:
    """Return an organisation with its ancestors and which of them the viewer sees; NotFound when not itself."""
    found_chains, selves = await chains.chains_and_selves(store, keys=[key], as_of=as_of)
    chain = found_chains[key]
    # The climb found the organisation when it has a parent; only a root is looked up on its own (or a missing key).
    if key in selves:
        itself = selves[key]
    else:
        found = await _organisation(store, key)
        itself = Node(found["key"], found["name"], None, 0, found["country"])
    seen = await visibility.visible_keys(store, viewer=viewer, keys=[key, *(node.key for node in chain)])
    if key not in seen:
        raise visibility.not_found(key)
    return _Climb(itself, chain, seen)


async def _child_keys(store: Store, keys: Sequence[str], as_of: datetime.date, kinds: Sequence[str]) -> set[str]:
    """Return the keys of the children on a day, through links of `kinds`, of the organisations in `keys`."""
    found: set[str] = set()
    for start in range(0, len(keys), FRONTIER_CHUNK):
        chunk = list(keys[start : start + FRONTIER_CHUNK])
        for row in await store.read(FIND_VALID_CHILD_KEYS, {"keys": chunk, "as_of": as_of, "kinds": list(kinds)}):
            found.update(row["keys"])
    return found


@dataclass(frozen=True, slots=True)
class _Level:
    """One level of descendants: their depth, their keys in order, and the keys of the level above."""

    depth: int
    keys: list[str]
    above: frozenset[str]


async def _levels(
    store: Store, *, key: str, as_of: datetime.date, kinds: Sequence[str], max_depth: int | None
) -> AsyncIterator[_Level]:
    """Yield the descendants of `key` level by level, each organisation once, at its smallest depth.

    One query per chunk of a level's keys (UNWIND over the frontier, one hop), correct at any depth and
    width. Not one variable-length path down: with history, FalkorDB follows the paths through expired
    links before it drops them, which made it about four times slower (docs/hierarchy.md, "Costs").
    """
    seen = {key}
    frontier = [key]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        found = await _child_keys(store, frontier, as_of, kinds)
        found -= seen  # reached already only on stored data with a cycle, which the rules forbid
        if not found:
            return
        seen |= found
        level = _Level(depth, sorted(found), frozenset(frontier))
        frontier = level.keys
        yield level


async def _members(
    store: Store, level: _Level, keys: list[str], as_of: datetime.date, kinds: Collection[str]
) -> list[Member]:
    """Return the members of `level` with the given keys, in that order, with their names, kinds and parents."""
    parents: dict[str, Row] = {}
    for start in range(0, len(keys), FRONTIER_CHUNK):
        chunk = keys[start : start + FRONTIER_CHUNK]
        for row in await store.read(FIND_VALID_PARENTS, {"keys": chunk, "as_of": as_of}):
            if row["kind"] not in kinds or row["key"] not in level.above:
                continue  # not the link the walk came down
            known = parents.get(row["child"])
            # A second parent on the day breaks the rules; the smallest key wins, so the answer is stable.
            if known is None or row["key"] < known["key"]:
                parents[row["child"]] = row
    return [
        Member(key, parents[key]["child_name"], parents[key]["kind"], level.depth, parents[key]["key"]) for key in keys
    ]


@dataclass(frozen=True, slots=True)
class _Walk:
    """What a walk down gathered: the page's items (and one past it), and counts over the levels walked."""

    items: list[Member]
    shown_count: int
    hidden_count: int


async def _walk(
    store: Store,
    *,
    top: str,
    shown_top: bool,
    as_of: datetime.date,
    kinds: Sequence[str],
    max_depth: int | None,
    after: tuple[int, str] | None,
    limit: int,
    viewer: visibility.Viewer | None,
    whole: bool,
    left_out: Collection[str] = frozenset(),
) -> _Walk:
    """Walk down from `top` and gather the page after `after` of the descendants the viewer sees.

    Each level is filtered before it is paged, so pages stay full. Without `whole` the walk stops
    one item past the page; with it, it goes to the bottom, so that the counts cover the whole list.
    Keys in `left_out` are neither shown nor counted. A member whose parent the viewer may not see
    (`shown_top` says whether they see `top`) is given without `parent_key`.
    """
    items: list[Member] = []
    shown = hidden = 0
    seen = {top} if shown_top else set()
    async for level in _levels(store, key=top, as_of=as_of, kinds=kinds, max_depth=max_depth):
        visible = await visibility.visible_keys(store, viewer=viewer, keys=level.keys)
        keys = [key for key in level.keys if key in visible and key not in left_out]
        hidden += len(level.keys) - len(visible)
        shown += len(keys)
        part = _page_part(replace(level, keys=keys), after, limit + 1 - len(items))
        items.extend(_hide_parents(await _members(store, level, part, as_of, kinds), seen))
        seen |= visible
        if len(items) > limit and not whole:
            break  # one item past the page shows there is more
    return _Walk(items, shown, hidden)


def _hide_parents(members: list[Member], seen: Collection[str]) -> list[Member]:
    """Return the members, without `parent_key` where the parent is not in `seen`."""
    return [member if member.parent_key in seen else replace(member, parent_key=None) for member in members]


def _page_part(level: _Level, after: tuple[int, str] | None, room: int) -> list[str]:
    """Return the first `room` keys of a level that come after the cursor position."""
    if room <= 0:
        return []
    keys = level.keys
    if after is not None:
        if level.depth < after[0]:
            return []
        if level.depth == after[0]:
            keys = keys[bisect.bisect_right(keys, after[1]) :]
    return keys[:room]


def _page(items: list[Member], limit: int, hidden_count: int) -> Page:
    """Return a page of the first `limit` items; more items than that mean there is a next page."""
    if len(items) <= limit:
        return Page(items, None, hidden_count)
    last = items[limit - 1]
    return Page(items[:limit], paging.encode_cursor(last.depth, last.key), hidden_count)


def _followed_kinds(kinds: Collection[str] | None) -> list[str]:
    if kinds is None:
        return sorted(PARENT_KINDS)
    unknown = sorted(set(kinds) - set(PARENT_KINDS))
    if unknown:
        raise InvalidInput(f"unknown kind {', '.join(unknown)}, expected one of {', '.join(PARENT_KINDS)}")
    return sorted(kinds)


def _decode_position(cursor: str | None) -> tuple[int, str] | None:
    """Return the (depth, key) position of a cursor of :func:`descendants` or :func:`group`."""
    position = paging.decode_cursor(cursor, int, str)
    if position is not None and position[0] < 1:
        raise InvalidInput(f"not a cursor this list gave: {cursor!r}")
    return position
