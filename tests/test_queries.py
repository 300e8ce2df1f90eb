"""Every `.cypher` file is valid, plans on both engines, is used by code, and builds no strings.

The Neo4j texts go through Neo4j's own Cypher linter (`tools/cypher-lint`, installed
by `make linter`, which `make test` runs first).
"""

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graph import queries
from graph.errors import UnknownQuery
from graph.loading import KINDS
from graph.queries import ALL_QUERIES, DECLARED, ENGINES, QUERY_DIR, declare, query_files

ROOT = Path(__file__).resolve().parents[1]
LINTER_DIR = ROOT / "tools" / "cypher-lint"
LINTER_SCRIPT = LINTER_DIR / "lint.mjs"
# A guard against a hang, not a measure: 376 queries take 80 s of CPU, and over 160 s with other work running.
LINTER_TIMEOUT_SECONDS = 600
# The packages whose modules declare the queries they use.
CODE_PACKAGES = ("graph", "api", "cli", "seed")
# A string literal joined to something with `+`: a query building text out of values.
STRING_CONCATENATION = re.compile(r"""['"]\s*\+|\+\s*['"]""")
# Python's placeholders, a sign that text is meant to be filled in before it is sent.
PYTHON_PLACEHOLDER = re.compile(r"%\(\w+\)s|%s\b")
PARAMETER = re.compile(r"\$(\w+)")
# Parameters FalkorDB evaluates while planning, which must then be counts.
COUNT_PARAMETER = re.compile(r"\b(?:LIMIT|SKIP)\s+\$(\w+)", re.IGNORECASE)


def _relative(path: Path) -> str:
    return path.relative_to(QUERY_DIR).as_posix()


def _name_and_engine(path: Path) -> tuple[str, str]:
    """Split `admin/x.neo4j.cypher` into (`admin/x`, `neo4j`); a shared file has engine ``""``."""
    name, _, engine = _relative(path).removesuffix(".cypher").partition(".")
    return name, engine


def _file_for(name: str, engine: str) -> Path:
    """The file that holds the text `name` runs on `engine`: its variant, else the shared file."""
    variant = QUERY_DIR / f"{name}.{engine}.cypher"
    return variant if variant.exists() else QUERY_DIR / f"{name}.cypher"


def _run_linter(files: list[Path]) -> list[dict]:
    if not (LINTER_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail(f"the Cypher linter is not installed in {LINTER_DIR}: run `make linter` (`make test` installs it)")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed, so the Cypher linter cannot run: run `make linter`")
    payload = [{"name": _relative(path), "text": path.read_text(encoding="utf-8")} for path in files]
    completed = subprocess.run(
        [node, str(LINTER_SCRIPT)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=LINTER_DIR,
        timeout=LINTER_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"the Cypher linter failed (exit {completed.returncode}):\n{completed.stderr}")
    results = json.loads(completed.stdout)
    assert [result["name"] for result in results] == [item["name"] for item in payload]
    return results


def test_every_query_passes_neo4j_linter():
    files = sorted({_file_for(name, "neo4j") for name, query in ALL_QUERIES.items() if "neo4j" in query.texts})
    assert files, f"no query files under {QUERY_DIR}"
    problems = [
        f"{QUERY_DIR / result['name']}:{d['line']}:{d['character']}: {d['severity']}: {d['message']}"
        for result in _run_linter(files)
        for d in result["diagnostics"]
        if d["severity"] in ("error", "warning")
    ]
    assert not problems, "Neo4j's Cypher linter reports:\n" + "\n".join(problems)


def _plannable(text: str, engine: str) -> str:
    """The text to EXPLAIN on `engine`.

    Neo4j plans a query without its parameters. FalkorDB refuses to ("Missing
    parameters"), so there every parameter gets a placeholder value in a `CYPHER`
    header, the form in which its clients send parameters anyway: null, or 1 where
    LIMIT or SKIP needs a count to plan.
    """
    names = dict.fromkeys(PARAMETER.findall(text))
    if engine != "falkordb" or not names:
        return text
    counts = set(COUNT_PARAMETER.findall(text))
    return "CYPHER " + " ".join(f"{name}={1 if name in counts else 'null'}" for name in names) + " " + text


async def test_every_query_plans_on_each_engine(store):
    failures = []
    for name, query in sorted(ALL_QUERIES.items()):
        if store.engine not in query.texts:
            continue  # a query of the other engine's own feature
        try:
            await store.explain(_plannable(query.text_for(store.engine), store.engine))
        except Exception as e:  # noqa: BLE001 - every failure is listed, not only the first
            failures.append(f"{_file_for(name, store.engine)}: {type(e).__name__}: {e}")
    assert not failures, f"{store.engine} cannot plan:\n" + "\n".join(failures)


# Reads that take a list of keys and start from each: planned from the other end, each scanned a whole label per key.
READS_BY_KEYS = ("activities/find_activities", "activities/count_activities", "activities/find_open_activities")


async def test_the_load_files_and_reads_by_keys_go_through_the_key_indexes(store):
    # A batch of 5,000 activities once named its contacts with `contact.key IN $list`: a scan of every contact per
    # row, which timed out at 100,000 organisations; so did a group's page of activities, which scanned every
    # activity per member. Each row of these queries finds its nodes by a key.
    loads = [query for kind in KINDS for query in (kind.query, kind.compare, kind.create) if query is not None]
    scans = {}
    for query in loads + [ALL_QUERIES[name] for name in READS_BY_KEYS]:
        plan = await store.explain(_plannable(query.text_for(store.engine), store.engine))
        scanning = [step for step in plan if "labelscan" in step.replace(" ", "").lower()]
        if scanning:
            scans[query.name] = scanning
    assert scans == {}


def _reraise(name: str) -> None:
    """`walk_packages` calls this while handling a package's import error: raise that error."""
    raise  # noqa: PLE0704 - re-raises the exception being handled by the caller


def _import_all_code() -> None:
    """Import every module of the code packages, so that each runs its `declare` calls."""
    for package_name in CODE_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError as e:
            if e.name == package_name:
                continue  # that package does not exist (yet); a broken one fails below
            raise
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.", onerror=_reraise):
            importlib.import_module(module.name)


def test_no_query_file_is_unused():
    _import_all_code()
    unused = sorted(set(ALL_QUERIES) - set(DECLARED))
    assert not unused, "query files no code declares (remove them or `declare` them):\n" + "\n".join(
        str(path) for name in unused for path in query_files() if _name_and_engine(path)[0] == name
    )


def test_declaring_an_unknown_query_raises():
    with pytest.raises(UnknownQuery, match="no/such_query"):
        declare("no/such_query")
    assert "no/such_query" not in DECLARED


def _read_query_dir(directory: Path, files: dict[str, str]):
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return queries.read_queries(directory)


def test_variants_replace_the_shared_text_per_engine(tmp_path):
    read = _read_query_dir(
        tmp_path,
        {"c/shared.cypher": "RETURN 1\n", "c/split.cypher": "RETURN 2", "c/split.falkordb.cypher": "RETURN 3"},
    )
    assert read["c/shared"].texts == {"falkordb": "RETURN 1", "neo4j": "RETURN 1"}
    assert read["c/split"].texts == {"falkordb": "RETURN 3", "neo4j": "RETURN 2"}


def test_a_variant_for_an_unknown_engine_is_rejected(tmp_path):
    with pytest.raises(UnknownQuery, match="memgraph"):
        _read_query_dir(tmp_path, {"c/q.cypher": "RETURN 1", "c/q.memgraph.cypher": "RETURN 1"})


@pytest.mark.parametrize("only", ENGINES)
def test_a_query_with_a_variant_for_one_engine_only_is_rejected(tmp_path, only):
    missing = next(engine for engine in ENGINES if engine != only)
    with pytest.raises(UnknownQuery, match=missing):
        _read_query_dir(tmp_path, {f"c/q.{only}.cypher": "RETURN 1"})


def test_a_query_in_an_engines_directory_runs_on_that_engine_only(tmp_path):
    read = _read_query_dir(tmp_path, {"falkordb/q.cypher": "RETURN id(n)", "c/q.cypher": "RETURN 1"})

    assert read["falkordb/q"].texts == {"falkordb": "RETURN id(n)"}
    with pytest.raises(UnknownQuery, match="runs only on falkordb"):
        read["falkordb/q"].text_for("neo4j")
    assert read["c/q"].texts == {"falkordb": "RETURN 1", "neo4j": "RETURN 1"}


def test_no_query_builds_text_out_of_values():
    """Values reach a query as `$parameters`, never spliced into its text."""
    problems = []
    for path in query_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STRING_CONCATENATION.search(line) or PYTHON_PLACEHOLDER.search(line):
                problems.append(f"{path}:{number}: {line.strip()}")
    assert not problems, "queries must take values as $parameters, not build strings:\n" + "\n".join(problems)
