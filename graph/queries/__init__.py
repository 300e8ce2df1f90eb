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
class Query:
    """One named query with its text for each engine.

    Attributes:
        days: the columns of its rows that hold a day number (graph/days.py): the store returns them as dates.
    """

    name: str
    texts: dict[str, str]
    days: tuple[str, ...] = ()

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
DECLARED: set[str] = set()


def declare(name: str, *, days: tuple[str, ...] = ()) -> Query:
    """Return the query `name`, recording that code uses it; its rows' `days` columns come back as dates.

    Raises:
        UnknownQuery: no file holds a query of that name.
    """
    try:
        query = ALL_QUERIES[name]
    except KeyError:
        raise UnknownQuery(f"no query file for {name!r} under {QUERY_DIR}") from None
    DECLARED.add(name)
    return replace(query, days=days) if days else query


def query_files() -> list[Path]:
    """Return every `.cypher` file, variants included."""
    return sorted(QUERY_DIR.rglob("*.cypher"))
