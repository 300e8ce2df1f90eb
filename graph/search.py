"""Find organisations by key, VAT id, name or the words of their name, and by country: `GET /v1/organisations`.

Use it as a module: `await search.organisations(store, indexes=…, q=…, country=…, viewer=…, cursor=…, limit=…)`,
with the :class:`graph.search_index.SearchIndexes` the app (or a tool) created once for the store.

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
memory (graph/search_index.py), built from the graph's snapshot (graph/snapshot.py) in the background after a
write, and a page of matches costs a few numpy operations whatever the size of the graph (docs/search.md has the
design, why no full-text index, and the measurements). Until the index of a write is built, a search answers
from the one before, with the current snapshot's visibility and without the organisations deleted since. The
engine is asked only for the properties of the page.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np

from graph import paging, search_index, snapshot, visibility
from graph.errors import InvalidInput
from graph.queries import declare
from graph.search_index import WORD, SearchIndex, View, fold, normalise_vat, words
from graph.store import Store

FIND_ORGANISATIONS = declare("search/find_organisations")

DEFAULT_LIMIT = 50
# Candidates few enough to check word by word in Python rather than with one more mask over every organisation.
CHECKED_ONE_BY_ONE = 512
# The tiers of an answer, in order, and the `match` each gives.
KEY, VAT_ID, NAME = 0, 1, 2


# How an organisation matched: the rules above, in their order.
Match = Literal["key", "vat_id", "name", "words"]


# The API answers with this class as it is (`GET /v1/organisations`), so its name and text are the schema's.
@dataclass(frozen=True)
class OrganisationHit:
    """An organisation a search found, and the best way it matched: `key`, `vat_id`, `name` (its name starts with
    the text) or `words` (every word of the text starts a word of its name); null when only a country was asked."""

    key: str
    name: str
    country: str | None
    city: str | None
    vat_id: str | None
    kind: str | None
    status: str | None
    match: Match | None


@dataclass(frozen=True)
class Page:
    """One page of an answer, and the cursor of the next (None on the last)."""

    items: list[OrganisationHit]
    next_cursor: str | None


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
    indexes: search_index.SearchIndexes,
    q: str | None,
    country: str | None,
    viewer: visibility.Viewer,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """Return a page of the organisations the viewer sees today that match `q` and are in `country`.

    Args:
        store: the graph.
        indexes: its search indexes (:class:`graph.search_index.SearchIndexes`), and through them its snapshots.
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
    found = await indexes.snapshots.current()
    view = await indexes.latest(found)
    index = view.index
    allowed = await _allowed(store, found, view, viewer=viewer, country=country)
    tiers = _tiers(view, text, allowed, found)
    start_tier, start_rank = (KEY, 0) if position is None else (position[0], index.after(position[1], position[2]))
    waiting = [(tier, tiers[tier]) for tier in range(start_tier, NAME + 1)]
    if position is not None:
        waiting[0] = (start_tier, tiers[start_tier][np.searchsorted(tiers[start_tier], start_rank) :])
    # One more than the page tells whether another follows; an organisation deleted after the snapshot was read
    # has no properties any more and is replaced by the next candidate.
    hits: list[tuple[int, int, OrganisationHit]] = []
    while len(hits) <= limit and waiting:
        hits.extend(await _shown(store, index, _taken(waiting, limit + 1 - len(hits)), text))
    more = len(hits) > limit
    hits = hits[:limit]
    last = hits[-1] if hits else None
    next_cursor = (
        paging.encode_cursor(last[0], index.names[last[1]], index.keys[index.order[last[1]]]) if more and last else None
    )
    return Page(items=[hit for _, _, hit in hits], next_cursor=next_cursor)


def _taken(waiting: list[tuple[int, np.ndarray]], wanted: int) -> list[tuple[int, int]]:
    """Return the next `wanted` (tier, rank)s of the candidates waiting, and remove them from it."""
    taken: list[tuple[int, int]] = []
    while waiting and len(taken) < wanted:
        tier, ranks = waiting[0]
        part = ranks[: wanted - len(taken)]
        taken.extend((tier, rank) for rank in part.tolist())
        if len(part) == len(ranks):
            waiting.pop(0)
        else:
            waiting[0] = (tier, ranks[len(part) :])
    return taken


async def _allowed(
    store: Store, found: snapshot.Snapshot, view: View, *, viewer: visibility.Viewer, country: str | None
) -> np.ndarray:
    """Return which ranks may answer: those the current snapshot holds and the viewer sees today, in the country
    when one is asked."""
    index = view.index
    size = len(index.order)
    if country is not None:
        allowed = _mask(size, index.countries.get(country, np.empty(0, np.int64)))
    else:
        allowed = np.ones(size, bool)
    if view.alive is not None:
        allowed &= view.alive
    seen = await visibility.visible_ids(store, found, viewer=viewer)
    if seen is not None:
        ranks = view.rank[seen]
        allowed &= _mask(size, ranks[ranks >= 0])
    return allowed


def _tiers(view: View, text: str, allowed: np.ndarray, found: snapshot.Snapshot) -> list[np.ndarray]:
    """Return the allowed ranks that match by key, by VAT id and otherwise, each sorted and each rank in one."""
    index = view.index
    empty = np.empty(0, np.int64)
    if not text:
        return [empty, empty, np.flatnonzero(allowed)]
    by_key = empty
    organisation = found.id_of(text)
    if organisation is not None and view.rank[organisation] >= 0 and allowed[view.rank[organisation]]:
        by_key = view.rank[[organisation]]
    normalised = normalise_vat(text)
    by_vat_id = index.vat_id_ranks(normalised) if normalised else empty
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


async def _shown(
    store: Store, index: SearchIndex, chosen: list[tuple[int, int]], text: str
) -> list[tuple[int, int, OrganisationHit]]:
    """Return the (tier, rank, hit) of the chosen (tier, rank)s the engine still holds, with its properties now."""
    keys = [index.keys[index.order[rank]] for _, rank in chosen]
    rows = {row["key"]: row for row in await store.read(FIND_ORGANISATIONS, {"keys": keys})} if keys else {}
    return [
        (tier, rank, OrganisationHit(**rows[key], match=_match(tier, index.names[rank], text)))
        for (tier, rank), key in zip(chosen, keys, strict=True)
        if key in rows
    ]


def _match(tier: int, name: str, text: str) -> Match | None:
    if not text:
        return None
    if tier == KEY:
        return "key"
    if tier == VAT_ID:
        return "vat_id"
    return "name" if name.startswith(fold(text)) else "words"
