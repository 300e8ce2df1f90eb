"""Builders for territory tests: organisations and territories as load rows, and the links the graph holds."""

from collections.abc import Sequence
from pathlib import Path

from graph.queries import Query
from graph.store import Store
from graph.territories import AssignmentPlan
from tests.helpers import load_rows

LINKS = Query(
    "tests/territories/links",
    dict.fromkeys(
        ("falkordb", "neo4j"),
        "MATCH (organisation:Organisation)-[link:ASSIGNED_TO]->(territory:Territory) "
        "RETURN organisation.key AS organisation, territory.key AS territory, link.source AS source",
    ),
)
FORGET_RULE_LINKS = Query(
    "tests/territories/forget_rule_links",
    dict.fromkeys(
        ("falkordb", "neo4j"),
        "MATCH (:Organisation)-[link:ASSIGNED_TO {source: 'rule'}]->(:Territory) DELETE link",
    ),
)
TERRITORY_COLUMNS = ("countries", "postcode_prefixes", "postcode_ranges", "industries")


def org(key: str, country: str = "", postcode: str = "", industry: str = "") -> dict[str, str]:
    """Return an `organisations` row; an empty string leaves the property out."""
    return {"key": key, "name": f"Firma {key}", "country": country, "postcode": postcode, "industry": industry}


def territory(key: str, **criteria: str) -> dict[str, str]:
    """Return a `territories` row with the criteria given (`;`-separated), every other criterion empty."""
    unknown = set(criteria) - set(TERRITORY_COLUMNS)
    assert not unknown, unknown
    return {
        "key": key,
        "name": f"Territory {key}",
        **{column: criteria.get(column, "") for column in TERRITORY_COLUMNS},
    }


async def load(
    store: Store,
    directory: Path,
    *,
    organisations: Sequence[dict[str, str]] = (),
    territories: Sequence[dict[str, str]] = (),
    manual: Sequence[tuple[str, str]] = (),
    forget_rule_links: bool = True,
) -> None:
    """Load territories, organisations and manual (organisation, territory) assignments, each when given.

    Then, unless told otherwise, delete every rule-derived link, so that a test
    starts from none whether or not the loader applies the rules as it loads.
    """
    if territories:
        await load_rows(store, directory, "territories", list(territories))
    if organisations:
        await load_rows(store, directory, "organisations", list(organisations))
    if manual:
        rows = [{"organisation_key": o, "territory_key": t} for o, t in manual]
        await load_rows(store, directory, "org_territories", rows)
    if forget_rule_links:
        await store.write(FORGET_RULE_LINKS)


async def links(store: Store) -> set[tuple[str, str, str]]:
    """Return every (organisation, territory, source) ASSIGNED_TO link."""
    return {(row["organisation"], row["territory"], row["source"]) for row in await store.read(LINKS)}


async def rule_links(store: Store) -> set[tuple[str, str]]:
    """Return every (organisation, territory) link with `source: 'rule'`."""
    return {(o, t) for o, t, source in await links(store) if source == "rule"}


def moves(plan: AssignmentPlan) -> set[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Return the plan's moves as (organisation, from, to)."""
    return {(move.organisation_key, move.from_territories, move.to_territories) for move in plan.moves}


def conflicts(plan: AssignmentPlan) -> set[tuple[str, tuple[str, ...]]]:
    """Return the plan's conflicts as (organisation, territories)."""
    return {(conflict.organisation_key, conflict.territories) for conflict in plan.conflicts}


def diff_moves(before: set[tuple[str, str]], after: set[tuple[str, str]]) -> set[tuple[str, tuple, tuple]]:
    """Return the moves that turn the rule links `before` into `after`."""
    organisations = {o for o, _ in before ^ after}
    return {
        (
            o,
            tuple(sorted(t for x, t in before if x == o)),
            tuple(sorted(t for x, t in after if x == o)),
        )
        for o in organisations
    }
