"""The search index of graph/search.py: every organisation's folded name, words, normalised VAT id and country,
by rank, built from a snapshot (graph/snapshot.py) and kept current in the background.

The API's lifespan (and a tool that searches) creates one :class:`SearchIndexes` next to its
:class:`graph.snapshots.Snapshots` and passes it to the search (an `indexes` keyword argument):
`view = await indexes.latest(found)` for the snapshot `found` a question reads.

A search never waits for a build after a write: it answers from the index last built, seen from the current
snapshot (:class:`View`: organisations deleted since are left out, visibility is the current snapshot's), while
the index of the new snapshot is built in the background; a new organisation or a new name is found once that
build has ended, seconds later (docs/search.md has the figures and why that lag is right for a search, unlike a
rollup). Only the first search waits, when no index was built yet; a server builds one ahead of any search and
keeps it current (:meth:`SearchIndexes.kept_current`). The build is a few passes of C code over all names at
once (a map, a split, a sort, numpy), not a loop per organisation.
"""

import asyncio
import bisect
import contextlib
import dataclasses
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, count, repeat

import numpy as np
import orjson

from graph import changes, snapshot, snapshots
from graph.errors import CrmGraphError
from graph.queries import declare

FIND_ORGANISATION_TEXTS = declare("search/find_organisation_texts")

logger = logging.getLogger(__name__)
# A read of every organisation's texts slower than this is logged: it holds up the questions meanwhile.
SLOW_SECONDS = 1.0

# A word: a run of letters and digits (str.isalnum), which \w is without the underscore.
WORD = re.compile(r"[^\W_]+")
# What a VAT id may hold that does not count: blanks, dots and dashes ("DE 123.456-789" is "DE123456789").
VAT_NOISE = re.compile(r"[\s.\-]+")
# Above every character a word may hold (U+10FFFF is no letter nor digit): every word starting with `t` is
# before `t + PAST`.
PAST = "\U0010ffff"
# Between the texts handled in one pass: no letter, digit, blank, dot nor dash, and case changes leave it.
SEPARATOR = "\x00"


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
    of C code (a map, a split, a sort, a numpy operation) rather than a Python loop per organisation or per
    word; tests/search/simple_index.py is that loop, which it equals (figures in docs/search.md).
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
    # All names as one text, split at blanks in one call (a list per name would cost the garbage collector more
    # than the split), with a SEPARATOR piece between two names to count them, unless a name holds one itself.
    text = f" {SEPARATOR} ".join(names)
    if text.count(SEPARATOR) != max(len(names) - 1, 0):
        return _postings(tuple(name.replace(SEPARATOR, " ") for name in names))
    pieces = text.split()
    del text  # what is no longer needed goes at once: at a million names, the peak is these pieces
    # Each piece numbered by where it first appears, in one pass: the rest looks at the distinct pieces only, a
    # sixth of them. Blanks are never letters nor digits, so a piece made only of letters and digits is one
    # word; the few others ("b.v.", "a&b") go through the regular expression.
    first: dict[str, int] = {}
    where = np.fromiter(map(first.setdefault, pieces, count()), np.int64, count=len(pieces))
    del pieces
    distinct = list(first)
    of_position = np.zeros(len(where), np.int64)
    of_position[np.fromiter(first.values(), np.int64, count=len(first))] = np.arange(len(distinct))
    piece = of_position[where]
    between = np.fromiter(map(SEPARATOR.__eq__, distinct), bool, count=len(distinct))
    plain = np.fromiter(map(str.isalnum, distinct), bool, count=len(distinct))
    mixed = np.flatnonzero(~plain & ~between)
    split = [WORD.findall(distinct[number]) for number in mixed.tolist()]
    # The words: the plain pieces, then the words of mixed pieces that are no plain piece (a word that is a
    # piece is a plain one), each once; numbered in that order, then by their place in the sorted vocabulary.
    extra = [word for word in dict.fromkeys(chain.from_iterable(split)) if word not in first]
    spelled = [*compress(distinct, plain.tolist()), *extra]
    alphabetical = np.array(sorted(range(len(spelled)), key=spelled.__getitem__), np.int64)
    vocabulary = tuple(map(spelled.__getitem__, alphabetical.tolist()))
    number = np.empty(len(spelled), np.int64)
    number[alphabetical] = np.arange(len(spelled))
    of_distinct = np.full(len(distinct), -1, np.int64)
    of_distinct[plain] = number[: len(spelled) - len(extra)]
    extra_number = dict(zip(extra, number[len(spelled) - len(extra) :].tolist(), strict=True))
    # Every piece's words with its rank: a plain piece is its own word, a mixed one its words, a separator none.
    ranks = np.cumsum(between[piece])
    alone = plain[piece]
    found = [of_distinct[piece[alone]]]
    ranked = [ranks[alone]]
    if split:
        inside = [
            [extra_number[word] if word in extra_number else of_distinct[of_position[first[word]]] for word in words_of]
            for words_of in split
        ]
        sizes = np.zeros(len(distinct), np.int64)
        sizes[mixed] = np.fromiter(map(len, inside), np.int64, count=len(inside))
        starts = np.zeros(len(distinct), np.int64)
        starts[mixed] = np.cumsum(sizes[mixed]) - sizes[mixed]
        held = np.flatnonzero(~alone & ~between[piece])
        counts = sizes[piece[held]]
        place = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        flat = np.fromiter(chain.from_iterable(inside), np.int64)
        found.append(flat[np.repeat(starts[piece[held]], counts) + place])
        ranked.append(np.repeat(ranks[held], counts))
    words_found, ranks = np.concatenate(found), np.concatenate(ranked)
    # One integer per (word, rank), sorted: word after word, ranks ascending, a word twice in a name once.
    width = max(len(names), 1)
    pairs = words_found * width + ranks
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
    # organisation. A followed snapshot then shares the tuple of keys; comparing a million keys one by one would
    # hold the interpreter for 10-20 ms in the thread it runs in, and every request waits for it meanwhile.
    if index.token == found.token or index.keys is found.keys or index.keys == found.keys:
        return View(index, found.token, index.rank, None)
    now = np.fromiter(map(found.index.get, index.keys, repeat(-1)), np.int64, count=len(index.keys))[index.order]
    alive = now >= 0
    rank = np.full(len(found.keys), -1, np.int64)
    rank[now[alive]] = np.flatnonzero(alive)
    return View(index, found.token, rank, alive)


class SearchIndexes:
    """The search indexes of one store's graph: the one last built, built again in the background when a write
    has changed the snapshot.

    Create one per process next to its :class:`graph.snapshots.Snapshots` (the API's lifespan, a tool) and pass it
    to :func:`graph.search.organisations`, so that its searches share what was built.

    Attributes:
        snapshots: the snapshots of the store, which the indexes are built from.
    """

    def __init__(self, snapshots: snapshots.Snapshots) -> None:
        self.snapshots = snapshots
        self._index: SearchIndex | None = None
        # The digest of the texts the index was built from (_digest), how it is seen from the last snapshot
        # asked, and the build running.
        self._texts: bytes | None = None
        self._view: View | None = None
        self._building: asyncio.Task[None] | None = None

    def held(self) -> SearchIndex | None:
        """Return the index last built, current or not, without building one; None before the first build."""
        return self._index

    async def latest(self, found: snapshot.Snapshot) -> View:
        """Return the index last built, seen from `found`, and build `found`'s in the background when it is older.

        Only when no index was built yet does it wait for the build.

        Raises:
            QueryError: the engine failed the read of the first build.
        """
        if self._index is None or self._index.token != found.token:
            building = self._build(found)
            if self._index is None:
                await asyncio.shield(building)
        index = self._index
        assert index is not None
        return await self._seen(index, found)

    async def current(self) -> SearchIndex:
        """Return the index of the graph as it is now, waiting for its build: for tools and tests that just wrote.

        Raises:
            Conflict: writes kept changing the graph while its snapshot was read.
            QueryError: the engine failed a read.
        """
        while True:
            found = await self.snapshots.current()
            if self._index is not None and self._index.token == found.token:
                return self._index
            await asyncio.shield(self._build(found))

    @contextlib.asynccontextmanager
    async def kept_current(self, *, poll_seconds: float = 1.0) -> AsyncIterator[None]:
        """Keep the index current in the background while the block runs.

        Every `poll_seconds` it looks (in memory, no query) whether the snapshot held (graph/snapshot.py, which
        :meth:`snapshots.Snapshots.kept_current` keeps current) is newer than the index, and builds the index of it
        if so: at start-up, and after each write, before any search asks; meanwhile searches see the index before
        from that snapshot, also made here ahead of them.
        """
        task = asyncio.create_task(self._keep_current(poll_seconds))
        try:
            yield
        finally:
            for running in (task, self._building):
                if running is not None:
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError, CrmGraphError):
                        await running

    async def _seen(self, index: SearchIndex, found: snapshot.Snapshot) -> View:
        """Return the index seen from the snapshot, made once per pair (off the event loop: a key lookup each)."""
        view = self._view
        if view is None or view.index is not index or view.token != found.token:
            view = self._view = await asyncio.to_thread(seen_from, index, found)
        return view

    def _build(self, found: snapshot.Snapshot) -> "asyncio.Task[None]":
        """Return the build running, else start one of `found`'s index: one build at a time."""
        if self._building is None or self._building.done():
            self._building = asyncio.create_task(self._indexed(found))
            self._building.add_done_callback(_reported)
        return self._building

    async def _indexed(self, found: snapshot.Snapshot | None) -> None:
        # A snapshot read while this one was indexed is indexed next, so the index catches up without a search.
        while found is not None and (self._index is None or self._index.token != found.token):
            index = self._index
            changed = self.snapshots.changed_since(index.token) if index is not None else None
            # The texts first: comparing a million keys holds the event loop for milliseconds.
            if index is not None and _same_texts(changed) and (index.keys is found.keys or index.keys == found.keys):
                # The snapshot followed writes that changed no organisation's properties (links, bookings): the
                # index stands, without reading every organisation's texts again.
                self._index = dataclasses.replace(index, token=found.token)
                found = self.snapshots.held()
                continue
            started = time.perf_counter()
            rows = await self.snapshots.store.read(FIND_ORGANISATION_TEXTS)
            columns = rows[0] if rows else {}
            if time.perf_counter() - started > SLOW_SECONDS:
                logger.warning("reading every organisation's texts took %.1f s", time.perf_counter() - started)
            texts = await asyncio.to_thread(_digest, columns)
            index = self._index
            if index is not None and texts == self._texts and index.keys == found.keys:
                # Most writes change no key, name, country nor VAT id (bookings, links, API keys): the build would
                # make the same index again, seconds of CPU at a million organisations that slow every request
                # meanwhile.
                self._index = dataclasses.replace(index, token=found.token)
            else:
                self._index = await asyncio.to_thread(build_index, found, columns)
            self._texts = texts
            found = self.snapshots.held()

    async def _keep_current(self, poll_seconds: float) -> None:
        while True:
            await asyncio.sleep(poll_seconds)
            found = self.snapshots.held()
            if found is not None and (self._index is None or self._index.token != found.token):
                if self._index is not None:
                    # The searches until the new index is built see the last one from this snapshot: made now.
                    await self._seen(self._index, found)
                with contextlib.suppress(CrmGraphError):  # logged by _reported; keep watching
                    await asyncio.shield(self._build(found))


def _same_texts(changed: changes.Changes | None) -> bool:
    """Return whether writes that changed this left every organisation's texts as they were."""
    return changed is not None and not changed.properties and not changed.everything


def _digest(columns: dict[str, list]) -> bytes:
    """Return a digest of the texts an index is built from: equal digests, equal texts (JSON leaves no ambiguity)."""
    return hashlib.blake2b(orjson.dumps(columns)).digest()


def _reported(task: "asyncio.Task[None]") -> None:
    # A search waiting for the first build meets the error itself; a build in the background only logs it.
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.warning("building the search index failed: %s", error)
