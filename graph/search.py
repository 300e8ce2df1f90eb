"""Find organisations by key, VAT id, name or the words of their name, and by country: `GET /v1/organisations`.

Use it as a module: `await search.organisations(store, q=…, country=…, viewer=…, cursor=…, limit=…)`.

The rules (docs/search.md), for a text `q` with its outer blanks removed:

- `key`: the organisation's key equals `q`;
- `vat_id`: its VAT id equals `q` once both are normalised (:func:`normalise_vat`);
- `name`: its name starts with `q`, case-insensitively (:func:`fold`);
- `words`: every word of `q` starts a word of its name (:func:`words`: runs of letters and digits, folded);
- `country`, when given, must equal the organisation's country as well.

An organisation answers once, with the first of those that holds, in that order: the key match, then the VAT id
matches, then the rest by folded name and key. Only what the caller sees today is searched, and nothing says what
else matched: a count of hidden matches would tell what exists.

The text never reaches the engine: the words, names, VAT ids and countries of every organisation are held in
memory (:class:`SearchIndex`), built from the graph's snapshot (graph/snapshot.py) on the first search after a
write, and a page of matches costs a few numpy operations whatever the size of the graph (docs/search.md has the
design, why no full-text index, and the measurements). The engine is asked only for the properties of the page.
"""

import asyncio
import bisect
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from graph import paging, snapshot, visibility
from graph.errors import InvalidInput
from graph.queries import declare
from graph.store import Store

FIND_ORGANISATION_TEXTS = declare("search/find_organisation_texts")
FIND_ORGANISATIONS = declare("search/find_organisations")

DEFAULT_LIMIT = 50
# A word: a run of letters and digits (str.isalnum), which \w is without the underscore.
WORD = re.compile(r"[^\W_]+")
# What a VAT id may hold that does not count: blanks, dots and dashes ("DE 123.456-789" is "DE123456789").
VAT_NOISE = re.compile(r"[\s.\-]+")
# Above every character a word may hold (U+10FFFF is no letter nor digit): every word starting with `t` is
# before `t + PAST`.
PAST = "\U0010ffff"
# Candidates few enough to check word by word in Python rather than with one more mask over every organisation.
CHECKED_ONE_BY_ONE = 512
# The tiers of an answer, in order, and the `match` each gives.
KEY, VAT_ID, NAME = 0, 1, 2


def fold(text: str) -> str:
    """Return `text` for case-insensitive comparison (Unicode case folding: "Straße" and "STRASSE" agree)."""
    return text.casefold()


def words(text: str) -> list[str]:
    """Return the folded words of `text`: its runs of letters and digits, split at anything else."""
    return WORD.findall(fold(text))


def normalise_vat(text: str) -> str:
    """Return a VAT id in upper case without blanks, dots and dashes."""
    return VAT_NOISE.sub("", text).upper()


@dataclass(frozen=True)
class Hit:
    """An organisation found, with the best way it matched (None when only a country was asked)."""

    key: str
    name: str
    country: str | None
    city: str | None
    vat_id: str | None
    kind: str | None
    status: str | None
    match: str | None


@dataclass(frozen=True)
class Page:
    """One page of an answer, and the cursor of the next (None on the last)."""

    items: list[Hit]
    next_cursor: str | None


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
        keys: the snapshot's keys, by snapshot id.
        order: the snapshot id of each rank.
        rank: the rank of each snapshot id (-1 for an organisation read after the snapshot's own read).
        names: the folded name of each rank, sorted (with the keys) so that a name prefix is one range of ranks.
        vocabulary: every distinct folded word of a name, sorted, so that a word prefix is one range of it.
        offsets: where the ranks of each word of `vocabulary` start in `postings` (one more at the end).
        postings: the ranks of the names holding each word, word after word: a word prefix is one slice.
        vat_ids: the snapshot ids of each normalised VAT id.
        countries: the ranks of each country, sorted.
    """

    keys: Sequence[str]
    order: np.ndarray
    rank: np.ndarray
    names: tuple[str, ...]
    vocabulary: tuple[str, ...]
    offsets: np.ndarray
    postings: np.ndarray
    vat_ids: dict[str, list[int]]
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

    def after(self, name: str, key: str) -> int:
        """Return the first rank after the position (folded name, key)."""
        return bisect.bisect_right(_Ranked(self), (name, key))


def build_index(found: snapshot.Snapshot, columns: dict[str, list[str]]) -> SearchIndex:
    """Return the search index of a snapshot's organisations from their keys, names, countries and VAT ids.

    An organisation the snapshot does not hold (created after it was read) is left out: the next search after
    that write reads both again.
    """
    ids, names, countries, vat_ids = [], [], [], []
    for key, name, country, vat_id in zip(
        columns.get("keys", ()),
        columns.get("names", ()),
        columns.get("countries", ()),
        columns.get("vat_ids", ()),
        strict=True,
    ):
        organisation = found.id_of(key)
        if organisation is not None:
            ids.append(organisation)
            names.append(fold(name))
            countries.append(country)
            vat_ids.append(vat_id)
    keys = found.keys
    by_rank = sorted(range(len(ids)), key=lambda i: (names[i], keys[ids[i]]))
    order = np.array([ids[i] for i in by_rank], np.int64)
    rank = np.full(len(keys), -1, np.int64)
    rank[order] = np.arange(len(order))
    postings: dict[str, list[int]] = {}
    for position, i in enumerate(by_rank):
        for word in set(WORD.findall(names[i])):
            postings.setdefault(word, []).append(position)
    vocabulary = tuple(sorted(postings))
    sizes = np.array([len(postings[word]) for word in vocabulary], np.int64)
    by_country: dict[str, list[int]] = {}
    by_vat_id: dict[str, list[int]] = {}
    for position, i in enumerate(by_rank):
        if countries[i]:
            by_country.setdefault(countries[i], []).append(position)
        if vat_ids[i] and (normalised := normalise_vat(vat_ids[i])):
            by_vat_id.setdefault(normalised, []).append(ids[i])
    return SearchIndex(
        keys=keys,
        order=order,
        rank=rank,
        names=tuple(names[i] for i in by_rank),
        vocabulary=vocabulary,
        offsets=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        postings=np.fromiter((p for word in vocabulary for p in postings[word]), np.int64),
        vat_ids=by_vat_id,
        countries={country: np.array(ranks, np.int64) for country, ranks in by_country.items()},
    )


@dataclass(eq=False)
class _Built:
    index: SearchIndex | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


# One index per snapshot: a new snapshot (after a write) is searched with a new index, and the old one goes with it.
_built: "weakref.WeakKeyDictionary[snapshot.Snapshot, _Built]" = weakref.WeakKeyDictionary()


async def index_of(store: Store, found: snapshot.Snapshot) -> SearchIndex:
    """Return the search index of a snapshot, built on first use (off the event loop).

    Raises:
        QueryError: the engine failed a read.
    """
    built = _built.setdefault(found, _Built())
    async with built.lock:
        if built.index is None:
            rows = await store.read(FIND_ORGANISATION_TEXTS)
            built.index = await asyncio.to_thread(build_index, found, rows[0] if rows else {})
        return built.index


def _word_matches(index: SearchIndex, terms: list[str], allowed: np.ndarray) -> np.ndarray:
    """Return the ranks, sorted, of the allowed names in which every term starts a word."""
    # A term that starts another term is implied by it ("gm" by "gmbh"); sorted, such a term comes just before
    # one that starts with it. The rest are applied rarest first, so that the matches shrink fastest.
    unique = sorted(set(terms))
    kept = [term for term, after in zip(unique, [*unique[1:], ""], strict=True) if not after.startswith(term)]
    ordered = sorted(((index.word_ranks(term), term) for term in kept), key=lambda pair: len(pair[0]))
    matches = np.flatnonzero(_mask(len(allowed), ordered[0][0]) & allowed)
    for position in range(1, len(ordered)):
        if len(matches) <= CHECKED_ONE_BY_ONE:
            rest = [term for _, term in ordered[position:]]
            return np.array([rank for rank in matches if _holds_all(index.names[rank], rest)], np.int64)
        matches = matches[_mask(len(allowed), ordered[position][0])[matches]]
    return matches


def _holds_all(name: str, terms: list[str]) -> bool:
    """Return whether every term starts a word of the folded name."""
    found = WORD.findall(name)
    return all(any(word.startswith(term) for word in found) for term in terms)


def _mask(size: int, ranks: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, bool)
    mask[ranks] = True
    return mask


async def organisations(
    store: Store,
    *,
    q: str | None,
    country: str | None,
    viewer: visibility.Viewer,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """Return a page of the organisations the viewer sees today that match `q` and are in `country`.

    Args:
        store: the graph.
        q: the text to match (key, VAT id, name prefix or word prefixes); None or blank for any.
        country: the ISO 3166-1 alpha-2 code they must have; None for any.
        viewer: whose view: only organisations they see today are searched.
        cursor: the `next_cursor` of the page before.
        limit: the most items on the page.

    Returns:
        The page: the key match, then the VAT id matches, then the rest, each by folded name then key.

    Raises:
        InvalidInput: neither `q` nor `country` given, a bad limit, or a cursor this search did not give.
        QueryError: the engine failed a read.
    """
    text = (q or "").strip()
    country = (country or "").strip().upper() or None
    if not text and not country:
        raise InvalidInput("give q, country or both: a search of everything is no search")
    paging.check_limit(limit)
    position = paging.decode_cursor(cursor, int, str, str)
    if position is not None and position[0] not in (KEY, VAT_ID, NAME):
        raise InvalidInput(f"not a cursor this list gave: {cursor!r}")
    found = await snapshot.current(store)
    index = await index_of(store, found)
    allowed = await _allowed(store, found, index, viewer=viewer, country=country)
    tiers = _tiers(index, text, allowed, found)
    start_tier, start_rank = (KEY, 0) if position is None else (position[0], index.after(position[1], position[2]))
    chosen: list[tuple[int, int]] = []
    for tier in range(start_tier, NAME + 1):
        ranks = tiers[tier]
        if tier == start_tier and position is not None:
            ranks = ranks[np.searchsorted(ranks, start_rank) :]
        chosen.extend((tier, int(r)) for r in ranks[: limit + 1 - len(chosen)])
        if len(chosen) > limit:
            break
    more = len(chosen) > limit
    chosen = chosen[:limit]
    shown = await _shown(store, index, chosen, text)
    last = chosen[-1] if chosen else None
    next_cursor = (
        paging.encode_cursor(last[0], index.names[last[1]], index.keys[index.order[last[1]]]) if more and last else None
    )
    return Page(items=shown, next_cursor=next_cursor)


async def _allowed(
    store: Store, found: snapshot.Snapshot, index: SearchIndex, *, viewer: visibility.Viewer, country: str | None
) -> np.ndarray:
    """Return which ranks may answer: those the viewer sees today, in the country when one is asked."""
    size = len(index.order)
    if country is not None:
        allowed = _mask(size, index.countries.get(country, np.empty(0, np.int64)))
    else:
        allowed = np.ones(size, bool)
    seen = await visibility.visible_ids(store, found, viewer=viewer)
    if seen is not None:
        ranks = index.rank[seen]
        allowed &= _mask(size, ranks[ranks >= 0])
    return allowed


def _tiers(index: SearchIndex, text: str, allowed: np.ndarray, found: snapshot.Snapshot) -> list[np.ndarray]:
    """Return the allowed ranks that match by key, by VAT id and otherwise, each sorted and each rank in one."""
    empty = np.empty(0, np.int64)
    if not text:
        return [empty, empty, np.flatnonzero(allowed)]
    by_key = empty
    organisation = found.id_of(text)
    if organisation is not None and index.rank[organisation] >= 0 and allowed[index.rank[organisation]]:
        by_key = index.rank[[organisation]]
    normalised = normalise_vat(text)
    by_vat_id = index.rank[index.vat_ids.get(normalised, [])] if normalised else empty
    by_vat_id = np.setdiff1d(by_vat_id[allowed[by_vat_id]], by_key)
    terms = words(text)
    if terms:
        # A name that starts with the text holds each of its words at the start of a word: one of these.
        rest = _word_matches(index, terms, allowed)
    else:
        named = index.name_ranks(fold(text))
        rest = np.arange(named.start, named.stop, dtype=np.int64)
        rest = rest[allowed[rest]]
    return [by_key, by_vat_id, np.setdiff1d(rest, np.concatenate((by_key, by_vat_id)))]


async def _shown(store: Store, index: SearchIndex, chosen: list[tuple[int, int]], text: str) -> list[Hit]:
    """Return the hits of the chosen (tier, rank)s with the properties the engine holds now, in their order."""
    keys = [index.keys[index.order[rank]] for _, rank in chosen]
    rows = {row["key"]: row for row in await store.read(FIND_ORGANISATIONS, {"keys": keys})}
    hits = []
    for (tier, rank), key in zip(chosen, keys, strict=True):
        row = rows.get(key)
        if row is None:  # deleted since the snapshot was read
            continue
        hits.append(Hit(**row, match=_match(tier, index.names[rank], text)))
    return hits


def _match(tier: int, name: str, text: str) -> str | None:
    if not text:
        return None
    if tier == KEY:
        return "key"
    if tier == VAT_ID:
        return "vat_id"
    return "name" if name.startswith(fold(text)) else "words"
