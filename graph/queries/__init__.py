"""Named Cypher queries, one `.cypher` file each, loaded and checked once.

A query `<concept>/<verb_noun>` lives in `<concept>/<verb_noun>.cypher`. Where the
dialects of FalkorDB and Neo4j really differ, `<verb_noun>.falkordb.cypher` or
`<verb_noun>.neo4j.cypher` replaces the shared text for that engine. A query
that serves a feature only one engine has (FalkorDB's bulk insert) lives in the
directory named after that engine, `falkordb/<verb_noun>.cypher`, and has no
text for the other. Modules
declare the queries they use at import time with :func:`declare`, so a missing
file fails when the process starts, not when a user first asks.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from graph.errors import UnknownQuery

QUERY_DIR = Path(__file__).parent
ENGINES = ("falkordb", "neo4j")


@dataclass(frozen=True)
class Touches:
    """What a write query may change of what the snapshot holds (graph/snapshot.py), named by its parameters.

    Attributes:
        organisations: the parameters that hold the key of an organisation whose node, PARENT_OF links to its
            parents, bookings or ASSIGNED_TO links the query may create, change or remove: `child` names the
            parameter `$child`, `rows.child_key` the field `child_key` of each of `$rows`. A link between two
            organisations is named by its child.
        children_of: the parameters that hold the key of an organisation whose PARENT_OF links to its children
            may change otherwise than through children it names in `organisations` (a merge moves them all).
        territories: whether it may create, change or remove a territory.
        properties: whether it may change the properties of those organisations (name, country, VAT id: what the
            search index holds), not only their links and bookings.
    """

    organisations: tuple[str, ...] = ()
    children_of: tuple[str, ...] = ()
    territories: bool = False
    properties: bool = False


# What a write that changes nothing the snapshot holds declares: users, contacts, accounts, API keys…
NOTHING_HELD = Touches()


@dataclass(frozen=True)
class Query:
    """One named query with its text for each engine.

    Attributes:
        days: the columns of its rows that hold a day number (graph/days.py): the store returns them as dates.
        touches: for a write, what it may change of what the snapshot holds (graph/changes.py); None when not
            declared, and a write of it then counts as changing everything.
    """

    name: str
    texts: dict[str, str]
    days: tuple[str, ...] = ()
    touches: Touches | None = None

    def text_for(self, engine: str) -> str:
        """Return the Cypher text this query runs on `engine`.

        Raises:
            UnknownQuery: the query serves a feature of another engine only.
        """
        try:
            return self.texts[engine]
        except KeyError:
            raise UnknownQuery(f"query {self.name} runs only on {', '.join(self.texts)}, not on {engine}") from None


def read_queries(directory: Path) -> dict[str, Query]:
    """Return every query under `directory` by name, with its text for each engine.

    A query under a directory named after an engine (`falkordb/…`) has a text for that engine only.

    Raises:
        UnknownQuery: a variant names an unknown engine, or an engine has no text.
    """
    variants: dict[str, dict[str, str]] = {}
    for path in sorted(directory.rglob("*.cypher")):
        relative = path.relative_to(directory).as_posix().removesuffix(".cypher")
        name, _, engine = relative.partition(".")
        if engine and engine not in ENGINES:
            raise UnknownQuery(f"{path}: unknown engine suffix {engine!r}, expected one of {ENGINES}")
        variants.setdefault(name, {})[engine or "shared"] = path.read_text(encoding="utf-8").strip()
    queries = {}
    for name, texts in variants.items():
        only = engine_only(name)
        if only is not None:
            queries[name] = Query(name, {only: texts.get(only, texts.get("shared", ""))})
            continue
        missing = [engine for engine in ENGINES if engine not in texts and "shared" not in texts]
        if missing:
            raise UnknownQuery(f"query {name!r} has no text for {', '.join(missing)}: add {name}.cypher")
        queries[name] = Query(name, {engine: texts.get(engine, texts.get("shared", "")) for engine in ENGINES})
    return queries


def engine_only(name: str) -> str | None:
    """Return the engine a query serves alone (its directory is named after it), or None for a query of both."""
    directory = name.partition("/")[0]
    return directory if directory in ENGINES else None


ALL_QUERIES: dict[str, Query] = read_queries(QUERY_DIR)
# The queries code uses, by name, as declared.
DECLARED: dict[str, Query] = {}


def declare(name: str, *, days: tuple[str, ...] = (), touches: Touches | None = None) -> Query:
    """Return the query `name`, recording that code uses it.

    Args:
        name: `<concept>/<verb_noun>`.
        days: its rows' columns that hold day numbers: they come back as dates.
        touches: for a write, what it may change of what the snapshot holds; leave it out only for a write
            that may change anything (a migration): the snapshot then reads the whole graph again.

    Raises:
        UnknownQuery: no file holds a query of that name.
    """
    try:
        query = ALL_QUERIES[name]
    except KeyError:
        raise UnknownQuery(f"no query file for {name!r} under {QUERY_DIR}") from None
    declared = replace(query, days=days, touches=touches)
    DECLARED[name] = declared
    return declared


def query_files() -> list[Path]:
    """Return every `.cypher` file, variants included."""
    return sorted(QUERY_DIR.rglob("*.cypher"))
