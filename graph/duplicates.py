"""Duplicate organisations: candidate pairs with reasons and a score, and merging a duplicate into its survivor.

Use it as a module: `from graph import duplicates`, then `await duplicates.find_candidates(store)`,
`await duplicates.merge(store, survivor=..., duplicate=...)`, `await duplicates.resolve_key(store, key=...)` and
`await duplicates.following_merges(reads.detail)(store, key=..., …)` for a read that answers a merged key.

Candidates. The graph is never asked for all pairs: each query returns *blocks* of organisations that
share one value (a VAT id, a postcode, a city, a current contact, a `sold_to` debtor account), and pairs
are formed and compared in Python within each block. A pair (a, b), always with `a < b`, gets a reason
per kind of evidence, each with a weight; its score is `1 - prod(1 - weight)`, so that independent
evidence adds up without ever reaching 1:

- `same_vat_id` (0.95): the VAT ids are equal once upper-cased without blanks, dots and dashes;
- `same_name_and_postcode` (0.9): the names are equal once normalised (:func:`normalise_name`) and the
  postcodes once upper-cased without blanks;
- `similar_name_same_city` (0.6 to 0.8): in the same city (case-insensitive), the names have a trigram
  similarity (:func:`name_similarity`) of at least 0.8; the weight is the similarity minus 0.2. It is
  left out when the pair has `same_name_and_postcode`, which already says the names match;
- `shared_contact` (0.4): a contact works at both now (a job with an `until` in the past is a change
  of employer, not evidence);
- `shared_account` (0.5): both hold one debtor account as `sold_to`.

The corporate structure explains some of that evidence. Two organisations in the same corporate group
on `as_of` (one `PARENT_OF` tree) normally share their company's VAT id, debtor account and staff: a
branch has no other. For such pairs those three reasons are dropped, and only their names can make
them candidates. A pair where one is a `PARENT_OF` ancestor of the other is never a candidate: a
merge of the two would close a cycle and is refused.

Merge. :func:`merge` moves every link of the duplicate to the survivor in one write query, so that it
happens whole or not at all on both engines, then deletes the duplicate and records its key (and its
own former keys) in the survivor's `former_keys`; :func:`resolve_key` follows them. The rules:

- A link the survivor already has with the same identity (its two ends, plus `valid_from` for
  `PARENT_OF` and `type` for `RELATED_TO`, as the loader identifies them) collapses into the
  survivor's: its properties win and the duplicate's fill the gaps; but a collapsed `MEMBER_OF`,
  `SUPPLIES` or `WORKS_AT` spans both periods (an open end stays open), a `WORKS_AT` is the main
  contact when either was, and an `ASSIGNED_TO` is `manual` when either was. A collapsed `PARENT_OF`
  keeps the survivor's `valid_to`, open or not.
- Bookings attributed to the duplicate (its `BOOKED_FOR` links from debtor accounts) are attributed
  to the survivor. When the survivor already has a booking of that debtor account and period, the
  two are different attributions of real money to what is one organisation: their revenue and gross
  profit are summed into the survivor's booking and the duplicate's goes, so every amount stays
  attributed to exactly one organisation and group totals do not change. An absent gross profit
  counts as none on one side (as `sum()` counts it) and stays absent when both lack it.
- Activities and opportunities about the duplicate (`ABOUT`, `FOR`) are about the survivor.
- `SUPPLIES` and `RELATED_TO` links between the two would become self-loops; they are dropped
  (counted in `dropped`).
- The survivor keeps its properties and takes those it lacks from the duplicate.
- Refused with :class:`MergeConflict` (409, nothing changed): a `PARENT_OF` or `MEMBER_OF` path between
  the two in either direction, whatever its dates (the merge would close a cycle, or a self-loop);
  a moved parent link of the survivor that overlaps another of its parent links on some day (the
  same parent twice counts too: one history must not have two overlapping periods); a link of a
  type the merge does not know. Refused with :class:`~graph.errors.InvalidInput`: a self-merge.
  :class:`~graph.errors.NotFound`: an unknown key.
- Merging again a duplicate that is already merged into this survivor returns `already_merged=True`
  and changes nothing. A duplicate merged into another organisation is a :class:`~graph.errors.Conflict`.
"""

import datetime
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, ParamSpec, TypeVar

from graph.errors import Conflict, InvalidInput, NotFound
from graph.hierarchy import chains
from graph.queries import Touches, declare
from graph.store import Store

FIND_VAT_ID_BLOCKS = declare("duplicates/find_vat_id_blocks")
FIND_POSTCODE_BLOCKS = declare("duplicates/find_postcode_blocks")
FIND_CITY_BLOCKS = declare("duplicates/find_city_blocks")
FIND_CONTACT_BLOCKS = declare("duplicates/find_contact_blocks")
FIND_ACCOUNT_BLOCKS = declare("duplicates/find_account_blocks")
FIND_ORGANISATION = declare("duplicates/find_organisation")
FIND_SURVIVORS = declare("duplicates/find_survivors")
MERGE_ORGANISATIONS = declare(
    "duplicates/merge_organisations",
    touches=Touches(organisations=("survivor", "duplicate"), children_of=("survivor", "duplicate"), properties=True),
)

SAME_VAT_ID = "same_vat_id"
SAME_NAME_AND_POSTCODE = "same_name_and_postcode"
SIMILAR_NAME_SAME_CITY = "similar_name_same_city"
SHARED_CONTACT = "shared_contact"
SHARED_ACCOUNT = "shared_account"
# The weight of each reason alone; similar names weigh their similarity minus this offset (0.6 to 0.8).
WEIGHTS = {SAME_VAT_ID: 0.95, SAME_NAME_AND_POSTCODE: 0.9, SHARED_CONTACT: 0.4, SHARED_ACCOUNT: 0.5}
SIMILAR_NAME_OFFSET = 0.2
SIMILARITY_THRESHOLD = 0.8
# A VAT id, contact or account shared by more corporate groups than this is a placeholder
# ("n/a", a call-centre contact), not evidence; it would also make pairs by the hundred thousand.
MAX_GROUPS_PER_BLOCK = 50
DEFAULT_LIMIT = 1000
DEFAULT_MIN_SCORE = 0.5
_EPSILON = 1e-9

# Legal forms, as tokens of a normalised name; dropped from its end, repeatedly ("GmbH & Co. KG").
LEGAL_FORMS = frozenset(
    {
        "ag", "bv", "co", "cv", "eg", "ek", "ekfm", "ekfr", "ev", "gbr", "gesmbh", "gmbh", "haftungsbeschraenkt",
        "inc", "kg", "kgaa", "limited", "llc", "ltd", "mbh", "nv", "ohg", "plc", "sa", "sarl", "se", "spa",
        "srl", "ug", "vof",
    }
)  # fmt: skip
# Words that join legal forms ("GmbH und Co. KG"); dropped only between two of them.
LEGAL_FORM_JOINERS = frozenset({"and", "en", "et", "u", "und"})
_TRANSLITERATIONS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "œ": "oe", "å": "aa"}
)
# Dots and apostrophes go without a trace, so that "B.V." is "bv" and "e.K." is "ek"; the rest separates words.
_DROPPED = re.compile(r"[.'’`´]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Reason:
    """One piece of evidence that two organisations are the same.

    `evidence` is what they share: the normalised VAT id; the normalised name and postcode; the city;
    the keys of the shared contacts; the numbers of the shared debtor accounts.
    """

    code: str
    weight: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A pair of organisations that may be duplicates, `a < b`, with a score in 0..1 and its reasons."""

    a: str
    b: str
    a_name: str
    b_name: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class LinkTally:
    """How many links of one type and direction (`out` of or `in` to the duplicate) the merge moved.

    `collapsed` counts those that joined a link the survivor had already; for `BOOKED_FOR` it is
    the bookings whose amounts were summed into a booking of the survivor.
    """

    type: str
    direction: str
    moved: int
    collapsed: int


@dataclass(frozen=True)
class MergeResult:
    """What a merge did; `already_merged` when the duplicate was merged into the survivor before.

    `former_keys` are the survivor's after the merge; `dropped` counts the links between the two that
    would have become self-loops; `copied_properties` the properties the survivor took from the
    duplicate. An `already_merged` result moved nothing this time: its `links` are empty.
    """

    survivor: str
    duplicate: str
    already_merged: bool
    former_keys: tuple[str, ...]
    links: tuple[LinkTally, ...] = ()
    dropped: int = 0
    copied_properties: tuple[str, ...] = ()

    def moved(self, relationship_type: str) -> int:
        """Return how many links of `relationship_type`, in both directions, the merge moved."""
        return sum(tally.moved for tally in self.links if tally.type == relationship_type)


class MergeConflict(Conflict):
    """The merge would break a rule of the graph; nothing was changed."""

    def __init__(self, survivor: str, duplicate: str, reasons: Sequence[str]):
        super().__init__(f"cannot merge {duplicate!r} into {survivor!r}: " + "; ".join(reasons))
        self.survivor = survivor
        self.duplicate = duplicate
        self.reasons = tuple(reasons)

    def problem_fields(self) -> dict:
        return {"reasons": list(self.reasons)}


@dataclass(frozen=True)
class _Organisation:
    """What candidate finding needs to know of one organisation on the day asked."""

    key: str
    name: str
    ancestors: frozenset[str]
    group: str  # the key of its `PARENT_OF` root; its own when it has no parent

    def is_ancestor_of(self, other: "_Organisation") -> bool:
        return self.key in other.ancestors


# Names


def name_tokens(name: str) -> tuple[str, ...]:
    """Return the words of an organisation's name, normalised and without trailing legal forms.

    Case-folded; umlauts spelt out (ä → ae, ß → ss), other accents dropped; dots and apostrophes
    removed, any other punctuation or blank separating words; legal forms such as GmbH, B.V., AG,
    e.K., `& Co. KG` dropped from the end, as long as one word remains.
    """
    text = name.casefold().translate(_TRANSLITERATIONS)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    words = [word for word in _SEPARATORS.split(_DROPPED.sub("", text)) if word]
    end = len(words)
    while end > 1:
        if words[end - 1] in LEGAL_FORMS:
            end -= 1
        elif (
            end > 2
            and len(words[end - 1]) == len(words[end - 2]) == 1
            and words[end - 2] + words[end - 1] in LEGAL_FORMS
        ):
            end -= 2  # "e. K.", "B. V.": letters that the blank after the dot kept apart
        elif end < len(words) and words[end - 1] in LEGAL_FORM_JOINERS:
            end -= 1
        else:
            break
    return tuple(words[:end])


def normalise_name(name: str) -> str:
    """Return the form in which two names count as the same: the words of :func:`name_tokens`, without blanks.

    "Müller-Bau GmbH", "Mueller Bau" and "MÜLLERBAU G.m.b.H." are all `muellerbau`.
    """
    return "".join(name_tokens(name))


def trigrams(words: Iterable[str]) -> frozenset[str]:
    """Return the trigrams of `words` as PostgreSQL's pg_trgm makes them: each word padded with "  " and " "."""
    grams: set[str] = set()
    for word in words:
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def name_similarity(a: str, b: str) -> float:
    """Return the trigram similarity of two names, normalised: shared trigrams over all trigrams, 0..1.

    Word order does not matter, and one typo costs little: "Bäckerei Hofmann" and "Hoffmann Baeckerei" are 0.85.
    """
    return _jaccard(trigrams(name_tokens(a)), trigrams(name_tokens(b)))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    if not x or not y:
        return 0.0
    shared = len(x & y)
    return shared / (len(x) + len(y) - shared)


def similar_pairs(grams: Mapping[str, frozenset[str]], threshold: float) -> Iterator[tuple[str, str, float]]:
    """Yield `(key, other, similarity)` for every two keys whose trigram sets are at least `threshold` similar.

    Compares only pairs that can reach the threshold (prefix filtering): with each set's trigrams
    ordered rarest first, two sets with a similarity of at least t share one of the first
    `|x| - ceil(t·|x|) + 1` trigrams of each, and the smaller holds at least t times as many trigrams
    as the larger. So a city of thousands of organisations costs little more than its rare trigrams.
    """
    frequency = Counter(gram for key_grams in grams.values() for gram in key_grams)
    index: dict[str, list[str]] = defaultdict(list)
    for key, key_grams in sorted(grams.items(), key=lambda item: (len(item[1]), item[0])):
        ordered = sorted(key_grams, key=lambda gram: (frequency[gram], gram))
        prefix = len(ordered) - math.ceil(threshold * len(ordered) - _EPSILON) + 1
        compared: set[str] = set()
        for gram in ordered[:prefix]:
            for other in index[gram]:
                if other in compared:
                    continue
                compared.add(other)
                if len(grams[other]) + _EPSILON < threshold * len(key_grams):
                    continue
                similarity = _jaccard(key_grams, grams[other])
                if similarity + _EPSILON >= threshold:
                    yield key, other, similarity
            index[gram].append(key)


# Candidates


async def find_candidates(
    store: Store,
    *,
    limit: int = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
    as_of: datetime.date | None = None,
) -> list[Candidate]:
    """Return pairs of organisations that may be duplicates, best first.

    Args:
        store: the graph.
        limit: return at most this many pairs.
        min_score: leave out pairs scoring less (0..1); a shared contact alone scores 0.4.
        as_of: the day whose corporate structure and jobs count; today when not given.

    Returns:
        The candidates by score, highest first, then by keys; each pair once, `a < b`.

    Raises:
        InvalidInput: `limit` is below 1 or `min_score` is outside 0..1.
    """
    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, not {limit}")
    if not 0 <= min_score <= 1:
        raise InvalidInput(f"min_score must be from 0 to 1, not {min_score}")
    day = as_of or datetime.date.today()

    name_reasons = await _name_reasons(store)
    shared_blocks = await _shared_value_blocks(store, day)
    keys = {key for pair in name_reasons for key in pair} | {key for _, _, block in shared_blocks for key in block}
    organisations = await _organisations(store, sorted(keys), day)

    reasons: dict[tuple[str, str], dict[str, Reason]] = defaultdict(dict)
    for (a, b), found in name_reasons.items():
        first, second = organisations.get(a), organisations.get(b)
        if first and second and not (first.is_ancestor_of(second) or second.is_ancestor_of(first)):
            reasons[a, b].update(found)
    for code, evidence, block in shared_blocks:
        for a, b in _pairs_across_groups(block, organisations):
            _add(reasons[a, b], Reason(code, WEIGHTS[code], (evidence,)))

    candidates = [_candidate(organisations[a], organisations[b], found) for (a, b), found in reasons.items()]
    ranked = sorted(
        (candidate for candidate in candidates if candidate.score + _EPSILON >= min_score),
        key=lambda candidate: (-candidate.score, candidate.a, candidate.b),
    )
    return ranked[:limit]


async def _name_reasons(store: Store) -> dict[tuple[str, str], dict[str, Reason]]:
    """Return the name reasons of every pair: equal names at one postcode, similar names in one city."""
    found: dict[tuple[str, str], dict[str, Reason]] = defaultdict(dict)
    for row in await store.read(FIND_POSTCODE_BLOCKS):
        by_name: dict[str, list[str]] = defaultdict(list)
        for member in row["members"]:
            name = normalise_name(member["name"] or "")
            if name:
                by_name[name].append(member["key"])
        for name, keys in by_name.items():
            for a, b in combinations(sorted(set(keys)), 2):
                found[a, b][SAME_NAME_AND_POSTCODE] = Reason(
                    SAME_NAME_AND_POSTCODE, WEIGHTS[SAME_NAME_AND_POSTCODE], (name, row["postcode"])
                )
    for row in await store.read(FIND_CITY_BLOCKS):
        grams = {member["key"]: trigrams(name_tokens(member["name"] or "")) for member in row["members"]}
        grams = {key: key_grams for key, key_grams in grams.items() if key_grams}
        for key, other, similarity in similar_pairs(grams, SIMILARITY_THRESHOLD):
            pair = (key, other) if key < other else (other, key)
            if SAME_NAME_AND_POSTCODE not in found.get(pair, {}):
                weight = round(similarity - SIMILAR_NAME_OFFSET, 4)
                found[pair][SIMILAR_NAME_SAME_CITY] = Reason(SIMILAR_NAME_SAME_CITY, weight, (row["city"],))
    return found


async def _shared_value_blocks(store: Store, day: datetime.date) -> list[tuple[str, str, list[str]]]:
    """Return (reason, shared value, keys) for each VAT id, current contact and `sold_to` account several hold.

    These are the values a corporate group shares among its members, so pairs are formed only across groups.
    """
    blocks = [(SAME_VAT_ID, row["vat_id"], row["keys"]) for row in await store.read(FIND_VAT_ID_BLOCKS)]
    blocks += [
        (SHARED_CONTACT, row["contact"], row["keys"]) for row in await store.read(FIND_CONTACT_BLOCKS, {"as_of": day})
    ]
    blocks += [(SHARED_ACCOUNT, row["account"], row["keys"]) for row in await store.read(FIND_ACCOUNT_BLOCKS)]
    return blocks


async def _organisations(store: Store, keys: Sequence[str], day: datetime.date) -> dict[str, _Organisation]:
    """Return the name, ancestors and group on `day` of each organisation in `keys`."""
    names = {key: name or "" for key, name in (await chains.names(store, keys=keys)).items()}
    above = await chains.ancestor_chains(store, keys=list(names), as_of=day)
    return {
        key: _Organisation(
            key, name, frozenset(node.key for node in above[key]), above[key][-1].key if above[key] else key
        )
        for key, name in names.items()
    }


def _pairs_across_groups(keys: Iterable[str], organisations: Mapping[str, _Organisation]) -> Iterator[tuple[str, str]]:
    """Yield the pairs `a < b` of `keys` that lie in different corporate groups; none for a placeholder value."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(set(keys)):
        if key in organisations:
            groups[organisations[key].group].append(key)
    if len(groups) > MAX_GROUPS_PER_BLOCK:
        return
    for first, second in combinations(groups.values(), 2):
        for a in first:
            for b in second:
                yield (a, b) if a < b else (b, a)


def _add(reasons: dict[str, Reason], reason: Reason) -> None:
    """Add `reason` to a pair's reasons; a second one of the same code adds its evidence."""
    known = reasons.get(reason.code)
    if known is None:
        reasons[reason.code] = reason
    elif not set(reason.evidence) <= set(known.evidence):
        reasons[reason.code] = Reason(known.code, known.weight, tuple(sorted({*known.evidence, *reason.evidence})))


def _candidate(a: _Organisation, b: _Organisation, reasons: Mapping[str, Reason]) -> Candidate:
    ordered = tuple(sorted(reasons.values(), key=lambda reason: (-reason.weight, reason.code)))
    return Candidate(a.key, b.key, a.name, b.name, score(reason.weight for reason in ordered), ordered)


def score(weights: Iterable[float]) -> float:
    """Return the score of independent pieces of evidence: `1 - prod(1 - weight)`, rounded to four places."""
    return round(1 - math.prod(1 - weight for weight in weights), 4)


# Merging


async def merge(store: Store, *, survivor: str, duplicate: str) -> MergeResult:
    """Merge the organisation `duplicate` into `survivor`: move its links, take its key, delete it.

    One atomic write query; the rules are in this module's docstring.

    Args:
        store: the graph.
        survivor: the key of the organisation that stays.
        duplicate: the key of the organisation that goes.

    Returns:
        What was moved; `already_merged=True`, with nothing moved, when `duplicate` was merged into
        `survivor` before.

    Raises:
        InvalidInput: the two keys are the same.
        NotFound: either key belongs to no organisation (the message names the survivor an old key
            was merged into).
        MergeConflict: the merge would make a cycle, give the survivor two parents on one day, or
            leave a link behind; nothing was changed.
        Conflict: `duplicate` was merged into another organisation before.
    """
    if survivor == duplicate:
        raise InvalidInput(f"cannot merge organisation {survivor!r} into itself")
    rows = await store.write(MERGE_ORGANISATIONS, {"survivor": survivor, "duplicate": duplicate})
    if not rows:
        return await _merged_before(store, survivor=survivor, duplicate=duplicate)
    row = rows[0]
    if not row["merged"]:
        raise MergeConflict(survivor, duplicate, _conflict_reasons(survivor, duplicate, row["conflicts"]))
    return MergeResult(
        survivor=survivor,
        duplicate=duplicate,
        already_merged=False,
        former_keys=tuple(row["former_keys"]),
        links=tuple(
            LinkTally(tally["type"], tally["direction"], tally["moved"], tally["collapsed"]) for tally in row["tally"]
        ),
        dropped=row["dropped"],
        copied_properties=tuple(sorted(row["copied"])),
    )


async def _merged_before(store: Store, *, survivor: str, duplicate: str) -> MergeResult:
    """Explain why the merge query found no pair: the duplicate was merged already, or a key is unknown."""
    found = await store.read(FIND_ORGANISATION, {"key": survivor})
    if not found:
        raise NotFound(await _unknown(store, survivor))
    former_keys = tuple(found[0]["former_keys"])
    if duplicate in former_keys:
        return MergeResult(survivor=survivor, duplicate=duplicate, already_merged=True, former_keys=former_keys)
    survivors = await _survivors_of(store, duplicate)
    if survivors:
        raise Conflict(f"organisation {duplicate!r} was already merged into {survivors[0]!r}, not into {survivor!r}")
    raise NotFound(f"no organisation {duplicate!r}")


async def _unknown(store: Store, key: str) -> str:
    survivors = await _survivors_of(store, key)
    if survivors:
        return f"no organisation {key!r}: it was merged into {survivors[0]!r}"
    return f"no organisation {key!r}"


def _conflict_reasons(survivor: str, duplicate: str, conflicts: Mapping[str, Any]) -> list[str]:
    reasons = []
    if conflicts["survivor_is_ancestor"]:
        reasons.append(f"{survivor!r} is a PARENT_OF ancestor of {duplicate!r}, so the merge would make a cycle")
    if conflicts["duplicate_is_ancestor"]:
        reasons.append(f"{duplicate!r} is a PARENT_OF ancestor of {survivor!r}, so the merge would make a cycle")
    if conflicts["survivor_is_member"]:
        reasons.append(f"{survivor!r} is a member (MEMBER_OF) of {duplicate!r}, so the merge would make a cycle")
    if conflicts["duplicate_is_member"]:
        reasons.append(f"{duplicate!r} is a member (MEMBER_OF) of {survivor!r}, so the merge would make a cycle")
    if conflicts["overlapping_parents"]:
        parents = ", ".join(sorted(set(conflicts["overlapping_parents"])))
        reasons.append(f"{survivor!r} would have PARENT_OF links from {parents} on overlapping days")
    if conflicts["unmovable"]:
        types = ", ".join(sorted(set(conflicts["unmovable"])))
        reasons.append(f"{duplicate!r} has links that a merge cannot move: {types}")
    return reasons


# Keys


async def resolve_key(store: Store, *, key: str) -> str | None:
    """Return the current key of the organisation known as `key`, following merges; None when there is none.

    A key that an organisation has is its own current key. Otherwise the key of the organisation that
    took `key` as a former key in a merge: merges carry former keys on, so one step is always enough.
    If a duplicate was re-created after its merge and merged again into another organisation, two
    organisations hold the key; the first by key is returned.

    Args:
        store: the graph.
        key: a current or former organisation key.
    """
    if await store.read(FIND_ORGANISATION, {"key": key}):
        return key
    survivors = await _survivors_of(store, key)
    return survivors[0] if survivors else None


Parameters = ParamSpec("Parameters")
Answer = TypeVar("Answer")


def following_merges(
    read: Callable[Parameters, Awaitable[Answer]], *, argument: str = "key"
) -> Callable[Parameters, Awaitable[Answer]]:
    """Return `read` answering for a merged duplicate's key with its survivor's answer.

    The returned function is called as `read` is, the store first and the organisation's key as the keyword
    `argument`. When no organisation has the key but it is a merged duplicate's, it answers `read` for the
    survivor. A survivor the caller may not see answers with the error for the key asked, so that the error
    names only that key; the survivor is looked up only when `read` found nothing, so a current key costs
    nothing more.

    Args:
        read: a service function taking the store and the key as the keyword `argument`.
        argument: the name of `read`'s keyword that holds the organisation's key.

    Returns:
        The function that follows merges.
    """

    async def follow(*args: Parameters.args, **kwargs: Parameters.kwargs) -> Answer:
        try:
            return await read(*args, **kwargs)
        except NotFound as missing:
            key = kwargs[argument]
            survivor = await resolve_key(args[0], key=key)
            if survivor is None or survivor == key:
                raise
            try:
                return await read(*args, **{**kwargs, argument: survivor})
            except NotFound:
                raise missing from None

    return follow


async def _survivors_of(store: Store, key: str) -> list[str]:
    return [row["key"] for row in await store.read(FIND_SURVIVORS, {"key": key})]
