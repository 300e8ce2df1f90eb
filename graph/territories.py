"""Rule-based territory assignment: which organisations a territory's rules give it, previewed or applied.

A territory's rules are its criteria `countries`, `postcode_prefixes`,
`postcode_ranges` and `industries`. An organisation matches a territory when it
matches every criterion the territory sets, and within one criterion any listed
value:

- `countries`: the organisation's `country` is one of them;
- `postcode_prefixes`: its `postcode` starts with one of them;
- `postcode_ranges`: its `postcode` lies in one of them, bounds included. A
  range `low-high` holds only postcodes of the same length as its bounds, and
  compares them with the bounds as text. Postcodes are text, not numbers, so
  leading zeros count: `01067` lies in `01000-59999`; `1067` (four characters)
  lies in no five-character range; `AB10-AB29` holds `AB15`. A range whose two
  bounds differ in length matches nothing;
- `industries`: its `industry` is one of them.

Values are compared exactly as stored (case and all). A criterion is set when
it holds at least one value; an organisation without the property a set
criterion looks at does not match it. A territory that sets no criterion
matches nothing: it is a container, such as a region above its districts.

The result is stored as `(:Organisation)-[:ASSIGNED_TO {source: 'rule'}]->(:Territory)`.
Every other `ASSIGNED_TO` link of an organisation (`source: 'manual'`, or no
source at all, which the schema reads as manual) is manual, and **manual wins
over rules**: an organisation with any manual assignment gets no rule-derived
assignment at all, and rule-derived links it had are removed. Its manual links
are never created, changed or deleted here. So a data steward who puts an
organisation into a territory by hand decides its territories completely; the
rules no longer add to that choice. An organisation without a manual
assignment is assigned to every territory it matches; when that is more than
one, it is reported as a conflict (and still assigned to all of them).

The matching runs in the engine, one page of organisation keys per query, with
every territory's rules as a parameter; only the organisations whose
assignments differ, or that are in conflict, come back, and their changes are
written in batches with `UNWIND` before the next page is compared. Only keys and
those differences travel to Python, never the organisations' properties or
links. Pages are lists of keys rather than key ranges because FalkorDB's index
does not compare strings in order (a range scan misses keys).

Use it as a module: `from graph import territories`, then
`await territories.preview(store, territory_rules=[...])` to see what would
move, and `await territories.apply(store)` to make the stored links follow the
stored rules. The rules of a territories load file are previewed by
:func:`graph.loading.preview_territories`, which checks the file as a dry run does.
"""

import asyncio
import math
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.errors import InvalidInput, NotFound
from graph.queries import Query, Touches, declare
from graph.schema import AssignedTo, FieldError, Organisation, Territory, coerce, fields_of, relationship_type
from graph.store import End, Inserter, Insertion, InsertRefused, Row, Store

# The rule writes change the ASSIGNED_TO links of the organisation each row names (graph/changes.py).
ASSIGNED_ROWS = Touches(organisations=("rows.organisation_key",))
FIND_RULES = declare("territories/find_rules")
FIND_TERRITORY = declare("territories/find_territory")
FIND_CHILD_TERRITORIES = declare("territories/find_child_territories")
FIND_ORGANISATION_KEYS = declare("territories/find_organisation_keys")
COMPARE_ASSIGNMENTS = declare("territories/compare_assignments")
CREATE_RULE_ASSIGNMENTS = declare("territories/create_rule_assignments", touches=ASSIGNED_ROWS)
DELETE_RULE_ASSIGNMENTS = declare("territories/delete_rule_assignments", touches=ASSIGNED_ROWS)
COUNT_ASSIGNMENTS = declare("territories/count_assignments")

# Organisations compared per page: each is matched against every territory in the engine.
DEFAULT_BATCH_SIZE = 10_000
# Queries a page is compared in at once: the engine runs each on a thread of its own, and the matching is most
# of a first load's rule assignment (docs/load-files.md, "Throughput").
COMPARE_PARTS = 2
# Links created or deleted per write query.
WRITE_BATCH_SIZE = 5_000

CRITERIA = ("countries", "postcode_prefixes", "postcode_ranges", "industries")
# A proposed rule may carry these too (a territory row as the loader or the API has it); they do not affect matching.
IGNORED_RULE_FIELDS = ("name", "parent_key")
RANGE_SEPARATOR = "-"
RULE = "rule"
# The rule links, as an engine with a bulk path creates the missing ones of a page (see _write).
RULE_LINKS = Insertion(
    relationship_type(AssignedTo),
    ("source",),
    stored=None,
    source=End(Organisation.__label__, "key"),
    target=End(Territory.__label__, "key"),
)


@dataclass(frozen=True)
class Move:
    """An organisation's rule-derived territories before and after; manual links are not listed."""

    organisation_key: str
    from_territories: tuple[str, ...]
    to_territories: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        """Return the territories the organisation gains."""
        return tuple(key for key in self.to_territories if key not in self.from_territories)

    @property
    def removed(self) -> tuple[str, ...]:
        """Return the territories the organisation loses."""
        return tuple(key for key in self.from_territories if key not in self.to_territories)


@dataclass(frozen=True)
class Conflict:
    """An organisation that the rules assign to more than one territory."""

    organisation_key: str
    territories: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentPlan:
    """What rule-based assignment would change (a preview) or changed (an apply).

    Attributes:
        moves: every organisation whose rule-derived territories change, by key.
        conflicts: every organisation in scope that is (or would be) assigned by
            rule to more than one territory, changed or not, by key.
    """

    moves: tuple[Move, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def added(self) -> int:
        """Return how many rule-derived links are (or would be) created."""
        return sum(len(move.added) for move in self.moves)

    @property
    def removed(self) -> int:
        """Return how many rule-derived links are (or would be) deleted."""
        return sum(len(move.removed) for move in self.moves)

    @property
    def changed(self) -> bool:
        """Return whether any link is (or would be) created or deleted."""
        return bool(self.moves)


async def preview(
    store: Store,
    *,
    territory_rules: Sequence[Mapping[str, Any]] | None = None,
    organisation_keys: Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> AssignmentPlan:
    """Return which rule-derived assignments would be created and deleted, changing nothing.

    Args:
        store: the graph.
        territory_rules: proposed rules, each a mapping with the territory's
            `key` and any of `countries`, `postcode_prefixes`, `postcode_ranges`
            and `industries` (lists, or `;`-separated text as in a load file).
            A criterion given replaces the stored one (None or an empty list
            clears it); a criterion left out keeps its stored value, as a load
            file's missing column does. A key of no stored territory proposes a
            new one. None: the stored rules, unchanged.
        organisation_keys: only these organisations (unknown keys are
            skipped); None: every organisation.
        batch_size: organisations compared per query.

    Returns:
        The moves and conflicts the rules would cause.

    Raises:
        InvalidInput: a proposed rule is malformed, organisation_keys is one
            string rather than keys, or batch_size is below 1.
        QueryError: the engine failed a query.
    """
    _check_scope(organisation_keys, batch_size)
    rules = await _stored_rules(store)
    if territory_rules is not None:
        rules = _with_proposed(rules, territory_rules)
    return await _run(store, rules, organisation_keys, batch_size=batch_size, write=False)


async def apply(
    store: Store,
    *,
    organisation_keys: Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> AssignmentPlan:
    """Make the stored rule-derived assignments equal to what the stored rules say; return what changed.

    Missing `source: 'rule'` links are created and stale ones deleted; manual
    links are never touched. Running it again changes nothing. Run it for the
    loaded organisations after organisations or manual assignments are loaded,
    and for all after territory rules change.

    Args:
        store: the graph.
        organisation_keys: only these organisations (unknown keys are
            skipped); None: every organisation.
        batch_size: organisations compared per query.

    Returns:
        The moves made, and the conflicts among the organisations in scope after them.

    Raises:
        InvalidInput: organisation_keys is one string rather than keys, or
            batch_size is below 1.
        QueryError: the engine failed a query.
    """
    _check_scope(organisation_keys, batch_size)
    rules = await _stored_rules(store)
    return await _run(store, rules, organisation_keys, batch_size=batch_size, write=True)


async def territory_name(store: Store, *, key: str) -> str | None:
    """Return the name of the territory with this key.

    Raises:
        NotFound: no territory has the key.
        QueryError: the engine failed a read.
    """
    rows = await store.read(FIND_TERRITORY, {"key": key})
    if not rows:
        raise not_found(key)
    return rows[0]["name"]


def not_found(key: str) -> NotFound:
    """Return the error for a territory that does not exist or that the caller does not hold: the two read the same."""
    return NotFound(f"no territory has the key {key!r}")


async def subtree_keys(store: Store, *, key: str) -> list[str]:
    """Return the key of a territory and of every territory below it, level by level, each level by key.

    Raises:
        NotFound: no territory has the key.
        QueryError: the engine failed a read.
    """
    await territory_name(store, key=key)
    found, level = [key], [key]
    seen = {key}  # the loader refuses cycles; a stored one must still not loop forever
    while level:
        rows = await store.read(FIND_CHILD_TERRITORIES, {"keys": level})
        level = sorted({row["key"] for row in rows} - seen)
        seen.update(level)
        found.extend(level)
    return found


def _check_scope(organisation_keys: Iterable[str] | None, batch_size: int) -> None:
    if isinstance(organisation_keys, str):
        raise InvalidInput("organisation_keys must be a list of keys, not one string")
    if batch_size < 1:
        raise InvalidInput(f"batch_size must be at least 1, not {batch_size}")


# A territory's rules as the matching queries take them: the criteria it sets, each a list; the
# others None. Postcode ranges are split into {low, high}.
_Rules = dict[str, Any]


async def _stored_rules(store: Store) -> dict[str, _Rules]:
    """Return every stored territory's criteria by key, None where it sets none."""
    return {row["key"]: {name: row[name] for name in CRITERIA} for row in await store.read(FIND_RULES)}


def _with_proposed(stored: Mapping[str, _Rules], proposed: Sequence[Mapping[str, Any]]) -> dict[str, _Rules]:
    """Return the stored rules with the proposed ones laid over them, criterion by criterion.

    Raises:
        InvalidInput: a proposal is not a mapping, lacks a valid key, repeats
            one, names an unknown field or holds a value its criterion refuses.
    """
    specs = fields_of(Territory)
    rules = {key: dict(criteria) for key, criteria in stored.items()}
    seen: set[str] = set()
    for number, proposal in enumerate(proposed, start=1):
        where = f"territory_rules[{number}]"
        if not isinstance(proposal, Mapping):
            raise InvalidInput(f"{where}: expected a mapping of a territory key and its criteria")
        unknown = sorted(set(proposal) - {"key", *CRITERIA, *IGNORED_RULE_FIELDS})
        if unknown:
            raise InvalidInput(f"{where}: unknown field {', '.join(unknown)}; expected key and {', '.join(CRITERIA)}")
        try:
            key = coerce(specs["key"], proposal.get("key"))
            criteria = {name: coerce(specs[name], _listed(proposal[name])) for name in CRITERIA if name in proposal}
        except FieldError as e:
            raise InvalidInput(f"{where}: {e}") from e
        if key in seen:
            raise InvalidInput(f"{where}: territory {key} is proposed twice")
        seen.add(key)
        rules.setdefault(key, dict.fromkeys(CRITERIA)).update(criteria)
    return rules


def _listed(value: Any) -> Any:
    """Return a tuple or set of values as the list the schema's coercion takes; anything else as it is."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _values(value: Any) -> list[str] | None:
    """Return a stored criterion as a list of values, or None when it sets none (absent or empty)."""
    if value is None or value == [] or value == "":
        return None
    return [value] if isinstance(value, str) else list(value)


def _query_territories(rules: Mapping[str, _Rules]) -> list[dict[str, Any]]:
    """Return the `$territories` parameter: the territories that set a criterion, with ranges split.

    An empty list sets no criterion. A range that is not `low-high` stays in its
    criterion but matches nothing (the loader refuses such ranges anyway).
    """
    territories = []
    for key, criteria in sorted(rules.items()):
        param = {name: _values(criteria.get(name)) for name in CRITERIA}
        if all(value is None for value in param.values()):
            continue  # a container such as a region: it matches nothing
        if param["postcode_ranges"] is not None:
            param["postcode_ranges"] = [bounds for bounds in map(_split_range, param["postcode_ranges"]) if bounds]
        territories.append({"key": key, **param})
    return territories


def _split_range(text: str) -> dict[str, str] | None:
    """Return the bounds of `low-high`, or None when `text` is not a range."""
    low, separator, high = str(text).partition(RANGE_SEPARATOR)
    if not separator or not low or not high or RANGE_SEPARATOR in high:
        return None
    return {"low": low, "high": high}


async def _run(
    store: Store,
    rules: Mapping[str, _Rules],
    organisation_keys: Iterable[str] | None,
    *,
    batch_size: int,
    write: bool,
) -> AssignmentPlan:
    """Compare organisations page by page; when `write`, make each page's links follow before the next."""
    territories = _query_territories(rules)
    if not territories and not await _any_assignment(store):
        return AssignmentPlan()  # no rule matches anything and no link is stored (a first load's organisations)
    moves: list[Move] = []
    conflicts: list[Conflict] = []
    inserter = store.inserter(RULE_LINKS) if write else None
    pages = _compared_pages(store, territories, organisation_keys, batch_size, revisions=inserter is not None)
    async for revision, rows in pages:
        if write:
            rows = await _write(store, rows, inserter, revision)
        for row in rows:
            current, target = sorted(row["current"]), sorted(row["target"])
            if current != target:
                moves.append(Move(row["organisation_key"], tuple(current), tuple(target)))
            if len(target) > 1:
                conflicts.append(Conflict(row["organisation_key"], tuple(target)))
    return AssignmentPlan(
        moves=tuple(sorted(moves, key=lambda move: move.organisation_key)),
        conflicts=tuple(sorted(conflicts, key=lambda conflict: conflict.organisation_key)),
    )


async def _any_assignment(store: Store) -> bool:
    rows = await store.read(COUNT_ASSIGNMENTS)
    return bool(rows and rows[0]["count"])


async def _compared_pages(
    store: Store,
    territories: list[dict[str, Any]],
    organisation_keys: Iterable[str] | None,
    batch_size: int,
    *,
    revisions: bool,
) -> AsyncIterator[tuple[str | None, list[Row]]]:
    """Yield, per page of organisations, those whose current rule links differ from the target, or conflict,
    with the revision they were compared at when `revisions` is asked for (a bulk insert expects it), else None."""
    if organisation_keys is None:
        pages = [row["keys"] for row in await store.read(FIND_ORGANISATION_KEYS, {"batch_size": batch_size})]
    else:
        pages = list(_chunks(sorted(set(organisation_keys)), batch_size))
    for keys in pages:
        revision = await store.revision() if revisions else None
        parts = _chunks(keys, max(1, math.ceil(len(keys) / COMPARE_PARTS)))
        compared = await asyncio.gather(
            *(store.read(COMPARE_ASSIGNMENTS, {"keys": part, "territories": territories}) for part in parts)
        )
        yield revision, [row for part in compared for row in part]


async def _write(store: Store, rows: list[Row], inserter: Inserter | None, revision: str | None) -> list[Row]:
    """Delete stale and create missing rule links for compared rows; return the rows as they now stand.

    Each row's `target` becomes what was actually done: a link the write
    queries refused (a manual assignment stored meanwhile) is left out. When
    no link is stale, the store has a bulk path and nothing was written since
    the comparison (at `revision`), the missing links are exactly the plan's and
    are created in bulk, without the create query's checks.
    """
    stale = [
        {"organisation_key": row["organisation_key"], "territory_key": key}
        for row in rows
        for key in row["current"]
        if key not in row["target"]
    ]
    missing = [
        {"organisation_key": row["organisation_key"], "territory_key": key}
        for row in rows
        for key in row["target"]
        if key not in row["current"]
    ]
    deleted = await _write_batches(store, DELETE_RULE_ASSIGNMENTS, stale)
    created = await _insert(inserter, revision, missing) if missing and not stale and inserter else None
    if created is None:
        created = await _write_batches(store, CREATE_RULE_ASSIGNMENTS, missing)
    done = []
    for row in rows:
        key = row["organisation_key"]
        kept = [territory for territory in row["current"] if (key, territory) not in deleted]
        added = [territory for territory in row["target"] if (key, territory) in created]
        done.append({"organisation_key": key, "current": row["current"], "target": kept + added})
    return done


async def _insert(inserter: Inserter, revision: str | None, pairs: list[dict[str, str]]) -> set[tuple[str, str]] | None:
    """Create the rule links of `pairs` in bulk; return the pairs, or None when the store refused them all."""
    inserter.expect(revision)
    try:
        await inserter.insert([(pair["organisation_key"], pair["territory_key"], RULE) for pair in pairs])
    except InsertRefused:
        return None
    return {(pair["organisation_key"], pair["territory_key"]) for pair in pairs}


async def _write_batches(store: Store, query: Query, pairs: list[dict[str, str]]) -> set[tuple[str, str]]:
    """Run `query` over `pairs` in batches; return the (organisation, territory) pairs it reports done."""
    done: set[tuple[str, str]] = set()
    for batch in _chunks(pairs, WRITE_BATCH_SIZE):
        for row in await store.write(query, {"rows": batch}):
            done.add((row["organisation_key"], row["territory_key"]))
    return done


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
