"""The search index of graph/search.py: every organisation's folded name, words, normalised VAT id and country,
by rank, built from a snapshot (graph/snapshot.py) and kept current in the background.

Use it as a module: `view = await search_index.latest(store, found)` for the snapshot `found` a question reads.

A search never waits for a build after a write: it answers from the index last built, seen from the current
snapshot (:class:`View`: organisations deleted since are left out, visibility is the current snapshot's), while
the index of the new snapshot is built in the background; a new organisation or a new name is found once that
build has ended, seconds later (docs/search.md has the figures and why that lag is right for a search, unlike a
rollup). Only the first search of a store waits, when no index was built yet; a server builds one ahead of any
search and keeps it current (:func:`kept_current`). The build is a few passes of C code over all names at once
(a map, a split, a sort, numpy), not a loop per organisation.
"""

import asyncio
import bisect
import contextlib
import logging
import re
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat

import numpy as np

from graph import snapshot
from graph.errors import CrmGraphError
from graph.queries import declare
from graph.store import Store

FIND_ORGANISATION_TEXTS = declare("search/find_organisation_texts")

logger = logging.getLogger(__name__)

# A word: a run of letters and digits (str.isalnum), which \w is without the underscore.
WORD = re.compile(r"[^\W_]+")
# What a VAT id may hold that does not count: blanks, dots and dashes ("DE 123.456-789" is "DE123456789").
VAT_NOISE = re.compile(r"[\s.\-]+")
# Above every character a word may hold (U+10FFFF is no letter nor digit): every word starting with `t` is
# before `t + PAST`.
PAST = "\U0010ffff"
# Between the VAT ids normalised in one pass: no blank, dot nor dash, and upper() leaves it.
SEPARATOR = "\x00"
# A word, or the SEPARATOR between two texts split in one call.
PIECE_WORD = re.compile(r"[^\W_]+|\x00")


def fold(text: str) -> str:
    """Return `text` for case-insensitive comparison (Unicode case folding: "Straße" and "STRASSE" agree)."""
    return text.casefold()


def words(text: str) -> list[str]:
    """Return the folded words of `text`: its runs of letters and digits, split at anything else."""
    return WORD.findall(fold(text))


def normalise_vat(text: str) -> str:
    """Return a VAT id in upper case without blanks, dots and dashes."""
    return VAT_NOISE.sub("", text).upper()


class _Ranked(Sequence):
    """The (folded name, key) of every rank, in order: what a cursor's position is found in by bisection."""

    def __init__(self, index: "SearchIndex"):
        self._index = index

    def __len__(self) -> int:
        return len(self._index.names)

    def __getitem__(self, rank):  # type: ignore[override]
        return self._index.names[rank], self._index.keys[self._index.order[rank]]


@dataclass(eq=False)
class SearchIndex:
    """What a search matches and orders, for every organisation of one snapshot, by rank: the place of the
    organisation in the order of answers (folded name, then key).

    Attributes:
        token: the revision token of the snapshot it was built from.
        keys: the snapshot's keys, by snapshot id.
        order: the snapshot id of each rank.
        rank: the rank of each snapshot id (-1 for an organisation read after the snapshot's own read).
        names: the folded name of each rank, sorted (with the keys) so that a name prefix is one range of ranks.
        vocabulary: every distinct folded word of a name, sorted, so that a word prefix is one range of it.
        offsets: where the ranks of each word of `vocabulary` start in `postings` (one more at the end).
        postings: the ranks of the names holding each word, word after word: a word prefix is one slice.
        vat_ids: every normalised VAT id, sorted, once per organisation holding it.
        vat_ranks: the rank of the organisation of each of `vat_ids`.
        countries: the ranks of each country, sorted.
    """

    token: str | None
    keys: Sequence[str]
    order: np.ndarray
    rank: np.ndarray
    names: tuple[str, ...]
    vocabulary: tuple[str, ...]
    offsets: np.ndarray
    postings: np.ndarray
    vat_ids: tuple[str, ...]
    vat_ranks: np.ndarray
    countries: dict[str, np.ndarray]

    def word_ranks(self, prefix: str) -> np.ndarray:
        """Return the ranks of the names with a word starting with `prefix` (a rank once per such word)."""
        first = bisect.bisect_left(self.vocabulary, prefix)
        last = bisect.bisect_left(self.vocabulary, prefix + PAST, first)
        return self.postings[self.offsets[first] : self.offsets[last]]

    def name_ranks(self, prefix: str) -> range:
        """Return the ranks of the names starting with `prefix` (folded)."""
        first = bisect.bisect_left(self.names, prefix)
        return range(first, bisect.bisect_left(self.names, prefix + PAST, first))

    def vat_id_ranks(self, normalised: str) -> np.ndarray:
        """Return the ranks of the organisations whose VAT id normalises to `normalised`."""
        first = bisect.bisect_left(self.vat_ids, normalised)
        return self.vat_ranks[first : bisect.bisect_right(self.vat_ids, normalised, first)]

    def after(self, name: str, key: str) -> int:
        """Return the first rank after the position (folded name, key)."""
        return bisect.bisect_right(_Ranked(self), (name, key))


def build_index(found: snapshot.Snapshot, columns: dict[str, list[str]]) -> SearchIndex:
    """Return the search index of a snapshot's organisations from their keys, names, countries and VAT ids.

    An organisation the snapshot does not hold (created after it was read) is left out. Every step is one pass
    of C code (a map, a sort, a numpy operation) rather than a Python loop per organisation or per word: 1.7 s
    at a million organisations where a loop took 35 (docs/search.md).
    """
    keys, names_listed = columns.get("keys", []), columns.get("names", [])
    listed = np.fromiter(map(found.index.get, keys, repeat(-1)), np.int64, count=len(keys))
    # In snapshot id order, which is key order, so that sorting by name alone (a stable sort) leaves equal names
    # in key order; organisations the snapshot does not hold are left out.
    rows = np.argsort(listed, kind="stable")
    rows = rows[listed[rows] >= 0].tolist()
    folded = list(map(str.casefold, map(names_listed.__getitem__, rows)))
    ranked = sorted(range(len(rows)), key=folded.__getitem__)
    names = tuple(map(folded.__getitem__, ranked))
    rows = np.array(rows, np.int64)[ranked].tolist()
    order = listed[rows]
    rank = np.full(len(found.keys), -1, np.int64)
    rank[order] = np.arange(len(order))
    vocabulary, offsets, postings = _postings(names)
    vat_ids, vat_ranks = _vat_ids(list(map(columns.get("vat_ids", []).__getitem__, rows)))
    return SearchIndex(
        token=found.token,
        keys=found.keys,
        order=order,
        rank=rank,
        names=names,
        vocabulary=vocabulary,
        offsets=offsets,
        postings=postings,
        vat_ids=vat_ids,
        vat_ranks=vat_ranks,
        countries=_countries(list(map(columns.get("countries", []).__getitem__, rows))),
    )


def _postings(names: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Return the sorted words of the folded names, where each word's ranks start, and the ranks of each word."""
    # All names as one text, split at blanks in one call: a list per name would cost the garbage collector more
    # than the split. Blanks are never letters nor digits, so a piece made only of letters and digits is one
    # word; only the few pieces holding anything else ("b.v.", "a&b") go through the regular expression. A
    # SEPARATOR piece between two names counts the names, unless a name holds one itself.
    text = f" {SEPARATOR} ".join(names)
    if text.count(SEPARATOR) != max(len(names) - 1, 0):
        return _postings(tuple(name.replace(SEPARATOR, " ") for name in names))
    found = text.split()
    plain = np.fromiter(map(str.isalnum, found), bool, count=len(found))
    between = np.fromiter(map(SEPARATOR.__eq__, found), bool, count=len(found))
    ranks = np.cumsum(between)
    mixed = np.flatnonzero(~plain & ~between)
    # The pieces to split further, in one call too: SEPARATOR pieces between them count them.
    split = PIECE_WORD.findall(f" {SEPARATOR} ".join(map(found.__getitem__, mixed.tolist())))
    split_between = np.fromiter(map(SEPARATOR.__eq__, split), bool, count=len(split))
    ranks = np.concatenate((ranks[plain], ranks[mixed][np.cumsum(split_between)[~split_between]]))
    found = [*compress(found, plain.tolist()), *compress(split, (~split_between).tolist())]
    # Each word numbered by where it first appears (one pass), then by its place in the sorted vocabulary.
    first: dict[str, int] = {}
    seen = np.fromiter(map(first.setdefault, found, count()), np.int64, count=len(found))
    distinct = list(first)
    alphabetical = sorted(range(len(distinct)), key=distinct.__getitem__)
    vocabulary = tuple(map(distinct.__getitem__, alphabetical))
    number = np.zeros(len(found), np.int64)
    number[np.fromiter(first.values(), np.int64, count=len(first))[alphabetical]] = np.arange(len(vocabulary))
    # One integer per (word, rank), sorted: word after word, ranks ascending, a word twice in a name once.
    width = max(len(names), 1)
    pairs = number[seen] * width + ranks
    pairs.sort()
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    offsets = np.searchsorted(pairs // width, np.arange(len(vocabulary) + 1)).astype(np.int64)
    return vocabulary, offsets, pairs % width


def _vat_ids(vat_ids: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Return the normalised VAT ids of the ranks, sorted, without the empty ones, and the rank of each."""
    # One substitution over all of them, unless one holds the separator itself.
    normalised = normalise_vat(SEPARATOR.join(vat_ids)).split(SEPARATOR)
    if len(normalised) != len(vat_ids):
        normalised = list(map(normalise_vat, vat_ids))
    ordered = sorted(compress(range(len(normalised)), normalised), key=normalised.__getitem__)
    return tuple(map(normalised.__getitem__, ordered)), np.array(ordered, np.int64)


def _countries(countries: list[str]) -> dict[str, np.ndarray]:
    """Return the ranks of each country, sorted."""
    number = {country: n for n, country in enumerate(dict.fromkeys(countries))}
    numbers = np.fromiter(map(number.__getitem__, countries), np.int64, count=len(countries))
    return {country: np.flatnonzero(numbers == n) for country, n in number.items() if country}


@dataclass(frozen=True, slots=True)
class View:
    """An index as seen from a snapshot, the one it was built from or a newer one.

    Attributes:
        index: the index.
        token: the revision token of the snapshot it is seen from.
        rank: the rank of each id of that snapshot; -1 for an organisation the index does not hold (new since).
        alive: which ranks that snapshot still holds (the others were deleted since); None when it holds all.
    """

    index: SearchIndex
    token: str | None
    rank: np.ndarray
    alive: np.ndarray | None


def seen_from(index: SearchIndex, found: snapshot.Snapshot) -> View:
    """Return the index as seen from a snapshot: the ranks of that snapshot's ids, and which ranks it holds."""
    # The same keys, so the same ids (ids number the sorted keys): a write that created or deleted no
    # organisation; comparing a million keys takes milliseconds.
    if index.token == found.token or index.keys == found.keys:
        return View(index, found.token, index.rank, None)
    now = np.fromiter(map(found.index.get, index.keys, repeat(-1)), np.int64, count=len(index.keys))[index.order]
    alive = now >= 0
    rank = np.full(len(found.keys), -1, np.int64)
    rank[now[alive]] = np.flatnonzero(alive)
    return View(index, found.token, rank, alive)


@dataclass(eq=False)
class _Kept:
    """The index last built for a store, how it is seen from the last snapshot asked, and the build running."""

    index: SearchIndex | None = None
    view: View | None = None
    building: "asyncio.Task[None] | None" = None


_kept: "weakref.WeakKeyDictionary[Store, _Kept]" = weakref.WeakKeyDictionary()


async def latest(store: Store, found: snapshot.Snapshot) -> View:
    """Return the index last built, seen from `found`, and build `found`'s in the background when it is older.

    Only when no index was built yet for the store does it wait for the build.

    Raises:
        QueryError: the engine failed the read of the first build.
    """
    kept = _kept.setdefault(store, _Kept())
    if kept.index is None or kept.index.token != found.token:
        building = _build(store, kept, found)
        if kept.index is None:
            await asyncio.shield(building)
    index = kept.index
    assert index is not None
    view = kept.view
    if view is None or view.index is not index or view.token != found.token:
        view = kept.view = await asyncio.to_thread(seen_from, index, found)
    return view


async def current(store: Store) -> SearchIndex:
    """Return the index of the graph as it is now, waiting for its build: for tools and tests that just wrote.

    Raises:
        Conflict: writes kept changing the graph while its snapshot was read.
        QueryError: the engine failed a read.
    """
    kept = _kept.setdefault(store, _Kept())
    while True:
        found = await snapshot.current(store)
        if kept.index is not None and kept.index.token == found.token:
            return kept.index
        await asyncio.shield(_build(store, kept, found))


def _build(store: Store, kept: _Kept, found: snapshot.Snapshot) -> "asyncio.Task[None]":
    """Return the build running, else start one of `found`'s index: one build at a time."""
    if kept.building is None or kept.building.done():
        kept.building = asyncio.create_task(_indexed(store, kept, found))
        kept.building.add_done_callback(_reported)
    return kept.building


async def _indexed(store: Store, kept: _Kept, found: snapshot.Snapshot | None) -> None:
    # A snapshot read while this one was indexed is indexed next, so the index catches up without a search.
    while found is not None and (kept.index is None or kept.index.token != found.token):
        rows = await store.read(FIND_ORGANISATION_TEXTS)
        kept.index = await asyncio.to_thread(build_index, found, rows[0] if rows else {})
        found = snapshot.held(store)


def _reported(task: "asyncio.Task[None]") -> None:
    # A search waiting for the first build meets the error itself; a build in the background only logs it.
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.warning("building the search index failed: %s", error)


@contextlib.asynccontextmanager
async def kept_current(store: Store, *, poll_seconds: float = 1.0) -> AsyncIterator[None]:
    """Keep the store's search index current in the background while the block runs.

    Every `poll_seconds` it looks (in memory, no query) whether the snapshot held (graph/snapshot.py, which
    :func:`snapshot.kept_current` keeps current) is newer than the index, and builds the index of it if so:
    at start-up, and after each write, before any search asks.
    """
    task = asyncio.create_task(_keep_current(store, poll_seconds))
    try:
        yield
    finally:
        kept = _kept.get(store)
        for running in (task, kept.building if kept else None):
            if running is not None:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError, CrmGraphError):
                    await running


async def _keep_current(store: Store, poll_seconds: float) -> None:
    kept = _kept.setdefault(store, _Kept())
    while True:
        await asyncio.sleep(poll_seconds)
        found = snapshot.held(store)
        if found is not None and (kept.index is None or kept.index.token != found.token):
            with contextlib.suppress(CrmGraphError):  # logged by _reported; keep watching
                await asyncio.shield(_build(store, kept, found))
