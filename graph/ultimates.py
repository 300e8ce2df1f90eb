"""Declared against computed ultimate parents: a data-quality report (docs/ultimates.md).

A source may declare an organisation's ultimate parent (GLEIF's `IS_ULTIMATELY_CONSOLIDATED_BY`,
kept as `declared_ultimate_key`); the graph computes one, the root of the chain of direct
`PARENT_OF` links on a day. Where they differ, the report says why, as one of :data:`REASONS`,
and shows the chain. The rule is a pure function (:func:`mismatch`); :func:`report` reads the
declarations and the chains and pages the result.
"""

import bisect
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph import paging
from graph.hierarchy import chains
from graph.queries import declare
from graph.store import Store

FIND_DECLARED_ULTIMATES = declare("ultimates/find_declared_ultimates")

NO_PARENT = "no_parent"
DECLARED_HAS_PARENT = "declared_has_parent"
CHAIN_STOPS = "chain_stops"
OTHER_TOP = "other_top"
REASONS = {
    NO_PARENT: "the organisation has no direct parent link",
    DECLARED_HAS_PARENT: "the declared ultimate parent has a parent itself, so the computed root lies above it",
    CHAIN_STOPS: "the chain stops at an organisation that declares an ultimate parent above itself: a link is missing",
    OTHER_TOP: "the chain reaches another top, which declares no ultimate parent above itself",
}


@dataclass(frozen=True)
class Mismatch:
    """An organisation whose declared ultimate parent is not its computed root.

    Attributes:
        key: the organisation's key.
        name: its name.
        declared_ultimate_key: the ultimate parent the source declares.
        declared_ultimate_name: its name; None when no organisation has that key.
        root_key: the computed root: the top of the chain of direct links on the day.
        reason: why they differ, one of :data:`REASONS`.
        chain: the keys from the organisation up to its computed root, both included.
    """

    key: str
    name: str | None
    declared_ultimate_key: str
    declared_ultimate_name: str | None
    root_key: str
    reason: str
    chain: list[str]


@dataclass(frozen=True)
class MismatchPage:
    """One page of the report, ordered by key.

    Attributes:
        items: the mismatches on this page.
        next_cursor: give it as `cursor` to get the next page; None when this page is the last.
        total: how many organisations the whole report lists.
        checked: how many organisations declare an ultimate parent.
        as_of: the day whose links were followed.
    """

    items: list[Mismatch]
    next_cursor: str | None
    total: int
    checked: int
    as_of: datetime.date


def mismatch(
    *, declared: str, chain: Sequence[str], declared_chain: Sequence[str], declarations: Mapping[str, str]
) -> str | None:
    """Return why an organisation's declared ultimate parent is not its computed root, or None when it is.

    Args:
        declared: the declared ultimate parent's key.
        chain: the keys from the organisation up to its computed root, both included.
        declared_chain: the same for the declared ultimate parent: itself alone when it has no parent.
        declarations: the declared ultimate parent of each organisation that declares one.

    Returns:
        One of :data:`REASONS`, tried in their order, or None.
    """
    top = chain[-1]
    if top == declared:
        return None
    if len(chain) == 1:
        return NO_PARENT
    if len(declared_chain) > 1:
        return DECLARED_HAS_PARENT
    if declarations.get(top, top) != top:
        return CHAIN_STOPS
    return OTHER_TOP


async def report(
    store: Store, *, as_of: datetime.date, cursor: str | None = None, limit: int = paging.DEFAULT_LIMIT
) -> MismatchPage:
    """Return one page of the organisations whose declared ultimate parent differs from their computed root.

    Args:
        store: the graph.
        as_of: the day whose `PARENT_OF` links are followed.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most organisations on a page, 1 to MAX_LIMIT.

    Returns:
        The page, ordered by key, with the reason and chain of each organisation.

    Raises:
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str)
    rows = await store.read(FIND_DECLARED_ULTIMATES)
    declarations = {row["key"]: row["declared"] for row in rows}
    names = {row["key"]: row["name"] for row in rows}
    above = await chains.ancestor_chains(store, keys=[*declarations, *declarations.values()], as_of=as_of)

    def chain_of(key: str) -> list[str]:
        return [key, *(node.key for node in above.get(key, []))]

    found = []
    for key, declared in declarations.items():
        chain = chain_of(key)
        reason = mismatch(declared=declared, chain=chain, declared_chain=chain_of(declared), declarations=declarations)
        if reason is not None:
            found.append((key, declared, chain, reason))
    found.sort()
    start = bisect.bisect_right([item[0] for item in found], after[0]) if after is not None else 0
    page = found[start : start + limit]
    wanted = {key for key, _, _, _ in page} | {declared for _, declared, _, _ in page}
    names.update(await chains.names(store, keys=wanted - names.keys()))
    items = [
        Mismatch(key, names.get(key), declared, names.get(declared), chain[-1], reason, chain)
        for key, declared, chain, reason in page
    ]
    next_cursor = paging.encode_cursor(page[-1][0]) if start + limit < len(found) else None
    return MismatchPage(items, next_cursor, len(found), len(declarations), as_of)
