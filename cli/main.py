"""The `crmgraph` command: serve the API, run the engine, manage keys, load data."""

import asyncio
import dataclasses
import datetime
import functools
import gc
import signal
import sys
import time
from collections.abc import Callable, Collection, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import orjson

from graph import admin, auth, health, months, paging, ranking, revenue
from graph.errors import CrmGraphError, LoadInterrupted
from graph.hierarchy import chains
from graph.schema.activity import ACTIVITY_STATUSES, ACTIVITY_TYPES
from graph.settings import Backend, Settings, get_settings
from graph.snapshots import Snapshots
from graph.store import Store
from graph.store.embedded import EmbeddedEngine
from graph.store.opening import open_store


def fails_cleanly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn crmgraph's errors into one line on stderr and exit code 1, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CrmGraphError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)

    return wrapper


def with_store(work: Callable[[Store], Coroutine[Any, Any, Any]]) -> Any:
    """Run `work` with a store; an embedded engine started for it is stopped again afterwards."""

    async def run():
        async with await open_store(get_settings()) as store:
            return await work(store)

    return asyncio.run(run())


def echo_json(value: Any) -> None:
    """Print `value` as JSON indented by two, non-ASCII characters as they are (what `json.dumps` writes)."""
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _embedded_engine() -> EmbeddedEngine:
    settings = get_settings()
    if settings.backend is not Backend.FALKORDB:
        raise click.UsageError(
            "the neo4j backend runs on its own (docker compose up); this command is for the embedded engine"
        )
    return EmbeddedEngine(settings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crmgraph")
def main() -> None:
    """crmgraph: corporate groups, group revenue and visibility of B2B customer data.

    Configuration comes from CRMGRAPH_* environment variables (see the README);
    CRMGRAPH_BACKEND chooses the engine and CRMGRAPH_DATA_DIR where the embedded
    engine keeps its data.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help='Server processes sharing the port (docs/production.md, "Throughput").',
)
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log a line for every request.")
@fails_cleanly
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the HTTP API (docs at /docs); starts the embedded engine if none runs, and creates the schema's
    missing constraints and indexes."""
    settings = get_settings()
    with _engine_running(settings):
        # Once, before the workers start: each of them may import files into the graph.
        asyncio.run(_on_running_engine(settings, admin.ensure_schema))
        _serve(host, port, workers=workers, access_log=access_log, shutdown_timeout_s=settings.shutdown_timeout_s)


@contextmanager
def _engine_running(settings: Settings) -> Iterator[None]:
    """Start the embedded engine unless one runs, and stop it afterwards if this call started it.

    Started here, before the server, so that every worker finds it running and none stops it when it exits.
    """
    engine = EmbeddedEngine(settings) if settings.backend is Backend.FALKORDB else None
    started = engine.start(detach=False) if engine else False
    # uvicorn raises the SIGTERM it stopped on again once it is done: as SystemExit, `finally` still stops the engine.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield
    finally:
        if started:
            engine.stop()


def _exit_on_signal(number: int, frame: Any) -> None:
    raise SystemExit(128 + number)


def _serve(
    host: str, port: int, *, workers: int = 1, access_log: bool = False, shutdown_timeout_s: float | None = None
) -> None:
    import uvicorn

    # uvloop and httptools instead of asyncio's loop and h11 (docs/production.md, "Throughput"). The app goes by
    # name: each worker process builds its own.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=access_log,
        log_level="info",
        # Without it a running request (a large import) keeps a stopping server alive until it ends: past the
        # timeout, uvicorn cancels it; each write is a transaction, so nothing is left half-written.
        timeout_graceful_shutdown=shutdown_timeout_s,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@fails_cleanly
def demo(host: str, port: int) -> None:
    """Serve the demo: start the engine, load seed/demo/ into an empty graph, print API keys, serve.

    Ctrl-C stops the API and the engine this command started.
    """
    from seed import demo as demo_data

    settings = get_settings()
    with _engine_running(settings):

        async def prepare(store: Store) -> dict[str, str]:
            return await demo_data.prepare(store, data_dir=settings.data_dir)

        keys = asyncio.run(_on_running_engine(settings, prepare))
        click.echo("\nDemo API keys (send as `Authorization: Bearer <key>`):")
        for user_key, api_key in keys.items():
            click.echo(f"  {user_key:<16} {api_key}")
        click.echo(f"\nExplorer: http://{host}:{port}/")
        click.echo(f"API docs: http://{host}:{port}/docs   health: http://{host}:{port}/v1/health\n")
        _serve(host, port, access_log=True, shutdown_timeout_s=settings.shutdown_timeout_s)


@main.group()
def db() -> None:
    """Run and prepare the graph engine."""


@db.command("init")
@fails_cleanly
def db_init() -> None:
    """Create the constraints and indexes of the schema, and bring data stored by an older crmgraph up to date
    (safe to run again)."""
    done = with_store(admin.init_schema)
    for line in done:
        click.echo(line)
    click.echo("schema is up to date" if not done else f"schema initialised: {len(done)} changes")


@db.command("start")
@fails_cleanly
def db_start() -> None:
    """Start the embedded engine in the background; other crmgraph processes reuse it."""
    engine = _embedded_engine()
    started = engine.start(detach=True)
    click.echo(f"{'started' if started else 'already running'}: {engine.socket}")


@db.command("stop")
@fails_cleanly
def db_stop() -> None:
    """Stop the embedded engine after saving a snapshot."""
    engine = _embedded_engine()
    click.echo("stopped" if engine.stop() else "not running")


@db.command("status")
@fails_cleanly
def db_status() -> None:
    """Tell whether the engine runs, where its data lives and how big it is."""
    settings = get_settings()
    if settings.backend is Backend.NEO4J:
        click.echo(f"engine:   neo4j at {settings.neo4j_uri}, database {settings.neo4j_database}")
        report = with_store(health.check)
        click.echo(f"version:  {report.engine_version}")
        click.echo(f"graph:    {report.nodes} nodes, {report.relationships} relationships")
        return
    status = EmbeddedEngine(settings).status()
    click.echo(f"engine:   embedded FalkorDB, {f'running (pid {status.pid})' if status.running else 'not running'}")
    click.echo(f"data:     {status.data_dir} ({_human_size(status.data_bytes)})")
    click.echo(f"socket:   {status.socket}")
    if status.running:

        async def report(store: Store) -> health.Health:
            return await health.check(store)

        result = asyncio.run(_on_running_engine(settings, report))
        click.echo(f"version:  {result.engine_version}")
        click.echo(f"graph:    {settings.falkordb_graph}: {result.nodes} nodes, {result.relationships} relationships")


async def _on_running_engine(settings: Settings, work: Callable[[Store], Coroutine[Any, Any, Any]]) -> Any:
    async with await open_store(settings, start_engine=False) as store:
        return await work(store)


def _human_size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


# The collector's thresholds during `crmgraph load` (Python's defaults: 700, 10, 10).
LOAD_GC_THRESHOLDS = (20_000, 50, 100)


@contextmanager
def _bulk_collection() -> Iterator[None]:
    """Collect garbage as suits a bulk load while the block runs.

    A load allocates millions of short-lived rows: keeping the objects of start-up out of the
    collector's passes and running it less often saves a fifth of the loader's CPU
    (docs/load-files.md, Throughput).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*LOAD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and compare, write nothing; report what would change.")
@click.option("--strict", is_flag=True, help="Each file all or nothing: a file with a rejected row is not written.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document on stdout.")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000), help="Rows per write.")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["load-files", "gleif-rr"]),
    default="load-files",
    show_default=True,
    help="load-files: <kind>.csv/.jsonl; gleif-rr: GLEIF Level 2 RR-CDF Golden Copy CSV files, in the order given.",
)
def load(
    paths: tuple[Path, ...], dry_run: bool, strict: bool, as_json: bool, batch_size: int, file_format: str
) -> None:
    """Load load files (<kind>.csv, <kind>.jsonl) or directories of them, in the order of the kinds.

    With --format gleif-rr, PATHS are GLEIF relationship files: each is reported once per kind it
    becomes (organisations, relationship_types, parents, relationships), with its own line numbers.

    Prints created, updated, unchanged and rejected rows per file, every
    rejected row with its line, field and reason, and the throughput. On a
    terminal, a progress line on stderr shows how far the current file is.

    Exit code 0 when every row was loaded (with --dry-run: would be), 1 when
    rows or whole files were rejected, 2 when the load could not run: a path
    that does not exist or names no kind, or an engine that is unavailable or
    failed (batches written before stay written: the report of the files and
    batches done so far is printed before the error). See docs/load-files.md.
    """
    from graph import loading

    progress = _ProgressLine() if sys.stderr.isatty() else None

    load_files = loading.load_gleif if file_format == "gleif-rr" else loading.load_paths

    async def run(store: Store) -> loading.LoadReport:
        return await load_files(store, paths, batch_size=batch_size, progress=progress, dry_run=dry_run, strict=strict)

    # The report too: a first load's lists a million territory moves, and the collector's passes over
    # them at its usual thresholds took 7 of the 10 seconds its JSON took to build at 1,000,000 organisations.
    with _bulk_collection():
        try:
            report = with_store(run)
        except CrmGraphError as e:
            if progress is not None:
                progress.clear()
            if isinstance(e, LoadInterrupted):  # what was written stays written: say what, then why it stopped
                _echo_load_report(e.report, as_json=as_json)
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
        if progress is not None:
            progress.clear()
        _echo_load_report(report, as_json=as_json)
    sys.exit(0 if report.ok else 1)


def _echo_load_report(report: Any, *, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_dict())
    else:
        _print_load_report(report)


class _ProgressLine:
    """One line on stderr that a terminal rewrites in place: the file, how much of it is read, rows/s."""

    WIDTH = 24

    def __init__(self) -> None:
        self._file: Path | None = None
        self._started = 0.0
        self._shown = 0.0
        self._length = 0

    def __call__(self, step: Any) -> None:
        now = time.monotonic()
        if step.path != self._file:
            self._file, self._started = step.path, now
        elif now - self._shown < 0.1 and step.bytes < step.size:
            return
        self._shown = now
        share = step.bytes / step.size if step.size else 1.0
        bar = "#" * round(share * self.WIDTH)
        rate = step.rows / max(now - self._started, 1e-6)
        what = "checking" if step.phase == "checking" else "loading"
        self._write(
            f"{what} {step.path.name} [{bar:<{self.WIDTH}}] {share:4.0%}  {step.rows:,} rows  {rate:,.0f} rows/s"
        )

    def clear(self) -> None:
        """Remove the line."""
        if self._length:
            self._write("")

    def _write(self, text: str) -> None:
        sys.stderr.write("\r" + text.ljust(self._length) + ("\r" if not text else ""))
        sys.stderr.flush()
        self._length = len(text)


def _print_load_report(report: Any) -> None:
    for file in report.files:
        # A file of another format (GLEIF) is reported once per kind it becomes: name the kind.
        shown = str(file.path) if file.path.stem == file.kind else f"{file.path} ({file.kind})"
        if file.error is not None:
            where = f"{file.path}:{file.error.line}" if file.error.line else str(file.path)
            click.echo(f"{shown}: failed, nothing loaded: {where}: {file.error.field or '-'}: {file.error.reason}")
            continue
        if file.interrupted:
            click.echo(
                f"{shown}: interrupted after {file.created} created, {file.updated} updated, "
                f"{file.unchanged} unchanged, {file.rejected} rejected"
            )
        elif file.refused:
            click.echo(f"{shown}: refused (--strict): {file.rejected} rejected, {file.not_written} not written")
        else:
            click.echo(
                f"{shown}: {file.created} created, {file.updated} updated, "
                f"{file.unchanged} unchanged, {file.rejected} rejected"
            )
        for rejection in file.rejections:
            click.echo(f"  {rejection.file}:{rejection.line}: {rejection.field or '-'}: {rejection.reason}")
        for line in file.assignment_lines():
            click.echo(f"  {line}")
    if report.dry_run:
        click.echo("dry run: nothing was written")
    click.echo(f"{report.rows:,} rows in {report.seconds:.1f} s: {report.rows_per_second:,.0f} rows/s")


@main.command()
@click.argument("key")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The day whose structure counts [today].")
@click.option("--depth", type=click.IntRange(0), help="Levels below the root to show [all].")
@fails_cleanly
def tree(key: str, as_of, depth: int | None) -> None:
    """Print the corporate group of KEY as an indented tree, with the kind of each link."""
    from graph.hierarchy import chains, reads

    day = as_of.date() if as_of else datetime.date.today()

    async def read(store: Store) -> tuple[chains.Node, list[reads.Member]]:
        top = await reads.root(store, key=key, as_of=day)
        members, cursor = [], None
        while True:
            page = await reads.descendants(store, key=top.key, as_of=day, max_depth=depth, cursor=cursor, limit=10_000)
            members.extend(page.items)
            if (cursor := page.next_cursor) is None:
                return top, members

    top, members = with_store(read)
    click.echo(f"{top.key}  {top.name}")
    stack = [(node, 1) for node in reversed(reads.nest(members))]
    while stack:
        node, level = stack.pop()
        member = node.member
        marker = "  <" if member.key == key else ""
        click.echo(f"{'    ' * level}{member.key}  {member.name}  ({member.kind}){marker}")
        stack.extend((child, level + 1) for child in reversed(node.children))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--kind", "kinds", multiple=True, help="Export only this kind (repeatable) [all kinds].")
@fails_cleanly
def export(directory: Path, kinds: tuple[str, ...]) -> None:
    """Write the graph as load files (<kind>.csv) into DIRECTORY; loading them rebuilds the same graph."""
    from graph.loading.export import ExportReport, export_to

    async def run(store: Store) -> ExportReport:
        return await export_to(store, directory, kinds=kinds or None)

    report = with_store(run)
    for exported in report.files:
        click.echo(f"{exported.path}: {exported.rows} rows")
    if report.former_keys:
        click.echo(
            f"note: {report.former_keys} former key(s) of merged duplicates are not part of the load files",
            err=True,
        )


@main.command("duplicates")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000), help="Most pairs to list.")
@click.option("--min-score", default=0.5, show_default=True, type=click.FloatRange(0, 1), help="Lowest score to list.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day whose corporate structure counts [today].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@fails_cleanly
def list_duplicates(limit: int, min_score: float, as_of, as_json: bool) -> None:
    """List candidate duplicate organisations with their score and reasons, highest score first."""
    from graph import duplicates

    async def find(store: Store) -> list[duplicates.Candidate]:
        day = as_of.date() if as_of else None
        return await duplicates.find_candidates(store, limit=limit, min_score=min_score, as_of=day)

    candidates = with_store(find)
    if as_json:
        echo_json([dataclasses.asdict(candidate) for candidate in candidates])
        return
    if not candidates:
        click.echo("no candidates")
    for candidate in candidates:
        reasons = ", ".join(reason.code for reason in candidate.reasons)
        click.echo(f"{candidate.score:.2f}  {candidate.a} {candidate.a_name!r}  ~  {candidate.b} {candidate.b_name!r}")
        click.echo(f"      {reasons}")


@main.command()
@click.argument("survivor")
@click.argument("duplicate")
@fails_cleanly
def merge(survivor: str, duplicate: str) -> None:
    """Merge DUPLICATE into SURVIVOR: move every relationship, keep DUPLICATE's key as a former key."""
    from graph import duplicates

    async def run(store: Store) -> duplicates.MergeResult:
        return await duplicates.merge(store, survivor=survivor, duplicate=duplicate)

    result = with_store(run)
    if result.already_merged:
        click.echo(f"{duplicate} was already merged into {survivor}")
        return
    moved = sum(tally.moved for tally in result.links)
    click.echo(f"merged {duplicate} into {survivor}: {moved} relationship(s) moved, {result.dropped} dropped")
    for tally in result.links:
        click.echo(f"  {tally.type} ({tally.direction}): {tally.moved} moved, {tally.collapsed} joined existing ones")


@main.command("revenue")
@click.argument("key")
@click.option(
    "--scope",
    type=click.Choice([scope.value for scope in revenue.Scope]),
    default=revenue.Scope.SELF.value,
    show_default=True,
    help="self: KEY alone; subtree: KEY and everything below it; group: everything under KEY's root; "
    "association: the association KEY and its members.",
)
@click.option("--from", "first", metavar="YYYY-MM", help="First month [eleven months before --to].")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month, inclusive [the month of --as-of].")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day whose structure counts for every month [today].")
@click.option(
    "--top",
    default=revenue.DEFAULT_TOP,
    show_default=True,
    type=click.IntRange(1, revenue.MAX_TOP),
    help="Members listed; the others are summed in one line.",
)
@click.option("--tree", "with_tree", is_flag=True, help="Also print the tree with a subtotal at every organisation.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead of tables.")
@fails_cleanly
def show_revenue(key: str, scope: str, first, last, as_of, top: int, with_tree: bool, as_json: bool) -> None:
    """Print the revenue, gross profit and margin of KEY's scope over a range of months.

    Prints the totals, one line per month and the largest members (the rest summed);
    --tree adds the structure with a subtotal at every organisation. The structure
    of --as-of counts for the whole range. A merged duplicate's key answers for its survivor.
    """
    from graph import documents, duplicates

    day = as_of.date() if as_of else datetime.date.today()
    parts = {revenue.Breakdown.PERIOD, revenue.Breakdown.MEMBER} | ({revenue.Breakdown.TREE} if with_tree else set())

    async def read(store: Store) -> revenue.Rollup:
        return await duplicates.following_merges(revenue.rollup)(
            store,
            snapshots=Snapshots(store),
            key=key,
            as_of=day,
            first=first,
            last=last,
            scope=scope,
            breakdown=parts,
            top=top,
        )

    rollup = with_store(read)
    currency = get_settings().currency
    if as_json:
        echo_json(documents.rollup(rollup, as_of=day, currency=currency))
        return
    figures = rollup.figures
    click.echo(f"{rollup.key}  {rollup.name or ''}")
    click.echo(
        f"scope {rollup.scope}, {rollup.first} to {rollup.last}, structure as of {day}: "
        f"{rollup.member_count:,} organisation(s), amounts in {currency}"
    )
    click.echo()
    _print_table(
        [
            ["revenue", _money(figures.revenue), currency],
            ["gross profit", _money(figures.gross_profit), currency],
            ["margin", *(["n/a", ""] if figures.margin is None else [str(figures.margin), "%"])],
            ["last purchase", rollup.last_purchase or "none", ""],
        ],
        numeric={1},
    )
    click.echo()
    _print_table(
        [
            ["period", "revenue", "gross profit", "margin"],
            *([p.period, *_figures_cells(p.figures)] for p in rollup.periods),
        ],
        numeric={1, 2, 3},
    )
    click.echo()
    rows = [[str(rank), m.key, m.name or "", *_figures_cells(m.figures)] for rank, m in enumerate(rollup.members, 1)]
    if rollup.rest is not None and rollup.rest.count:
        rows.append(["", f"{rollup.rest.count:,} more", "", *_figures_cells(rollup.rest.figures)])
    if rows:
        _print_table([["rank", "key", "name", "revenue", "gross profit", "margin"], *rows], numeric={0, 3, 4, 5})
    else:
        click.echo("no organisation has bookings in the range")
    if rollup.tree is not None:
        click.echo()
        _print_table(
            [
                ["organisation", "subtotal", "gross profit", "own revenue"],
                *(
                    [
                        f"{'    ' * level}{node.key}  {node.name or ''}",
                        _money(node.total.revenue),
                        _money(node.total.gross_profit),
                        _money(node.own.revenue),
                    ]
                    for node, level in _walk(rollup.tree)
                ),
            ],
            numeric={1, 2, 3},
        )


@main.command("activities")
@click.argument("key")
@click.option(
    "--scope",
    type=click.Choice([scope.value for scope in chains.Scope]),
    default=chains.Scope.SELF.value,
    show_default=True,
    help="self: about KEY; subtree: also about everything below it; group: about everything under KEY's root.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(list(ACTIVITY_STATUSES)),
    help="Only this status (repeatable).",
)
@click.option(
    "--type", "types", multiple=True, type=click.Choice(list(ACTIVITY_TYPES)), help="Only this type (repeatable)."
)
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="Only those on this day or later.")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Only those on this day or earlier.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day whose structure counts [today].")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, paging.MAX_LIMIT), help="The newest this many."
)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead of a table.")
@fails_cleanly
def list_activities(
    key: str,
    scope: str,
    statuses: tuple[str, ...],
    types: tuple[str, ...],
    first,
    last,
    as_of,
    limit: int,
    as_json: bool,
) -> None:
    """List the activities about KEY, its subtree or its group, newest first, with their organisation and contacts.

    The structure of --as-of decides the subtree or group. A merged duplicate's key answers for its survivor.
    """
    from graph import activities, documents, duplicates

    day = as_of.date() if as_of else datetime.date.today()
    chosen = activities.Filters(
        frozenset(statuses) or None,
        frozenset(types) or None,
        first.date() if first else None,
        last.date() if last else None,
    )

    async def read(store: Store) -> activities.Page:
        return await duplicates.following_merges(activities.of_organisation)(
            store, snapshots=Snapshots(store), key=key, as_of=day, scope=scope, filters=chosen, limit=limit
        )

    page = with_store(read)
    if as_json:
        echo_json(documents.activities_page(page))
        return
    if not page.items:
        click.echo("no activities")
        return
    _print_table(
        [
            ["date", "type", "status", "organisation", "subject", "with", "owner"],
            *(
                [
                    item.date.isoformat(),
                    item.type,
                    item.status,
                    item.organisation.key,
                    item.subject or "",
                    ", ".join(" ".join(filter(None, (p.first_name, p.last_name))) for p in item.contacts),
                    item.owner.key if item.owner else "",
                ]
                for item in page.items
            ),
        ],
        numeric=set(),
    )
    if page.next_cursor is not None:
        click.echo(f"… more: --limit to list more than {limit:,}")


@main.command("groups")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, paging.MAX_LIMIT), help="Groups listed.")
@click.option("--from", "first", metavar="YYYY-MM", help="First month [eleven months before --to].")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month, inclusive [the month of --as-of].")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day whose structure counts for every month [today].")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead of a table.")
@fails_cleanly
def list_groups(top: int, first, last, as_of, as_json: bool) -> None:
    """Rank the groups (a root and everything under it) by revenue over a range of months, with ABC classes.

    The ABC thresholds are the settings CRMGRAPH_ABC_A_PERCENT and CRMGRAPH_ABC_B_PERCENT.
    """
    from graph import documents

    settings = get_settings()
    day = as_of.date() if as_of else datetime.date.today()
    periods = months.period_range(first, last, as_of=day)
    classes = ranking.AbcClasses(settings.abc_a_percent, settings.abc_b_percent)

    async def read(store: Store) -> ranking.GroupPage:
        return await ranking.groups(
            store, snapshots=Snapshots(store), as_of=day, classes=classes, first=periods[0], last=periods[-1], limit=top
        )

    page = with_store(read)
    if as_json:
        echo_json(documents.groups(page, first=periods[0], last=periods[-1], as_of=day, currency=settings.currency))
        return
    click.echo(f"{page.group_count:,} group(s), {periods[0]} to {periods[-1]}, structure as of {day}")
    click.echo(
        f"all groups: revenue {_money(page.total.revenue)} {settings.currency}, "
        f"gross profit {_money(page.total.gross_profit)} {settings.currency}; "
        f"class A: the first {classes.a_percent:g} % of revenue, B: the next {classes.b_percent:g} %, C: the rest"
    )
    click.echo()
    _print_table(
        [
            ["rank", "class", "root", "name", "members", "revenue", "gross profit", "margin"],
            *(
                [str(g.rank), g.abc_class, g.root_key, g.name or "", f"{g.member_count:,}", *_figures_cells(g.figures)]
                for g in page.items
            ),
        ],
        numeric={0, 4, 5, 6, 7},
    )
    if page.group_count > len(page.items):
        click.echo(f"… {page.group_count - len(page.items):,} more (--top to list more)")


@main.group("check")
def check_group() -> None:
    """Data-quality reports over the whole graph."""


@check_group.command("ultimates")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The day whose direct links are followed [today].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's items, every page) instead of text.")
@fails_cleanly
def check_ultimates(as_of, as_json: bool) -> None:
    """List organisations whose declared ultimate parent differs from their computed root, with why.

    The declared ultimate parent is `declared_ultimate_key` (GLEIF's IS_ULTIMATELY_CONSOLIDATED_BY);
    the computed root is the top of the chain of direct PARENT_OF links on the day. See docs/ultimates.md.
    """
    from graph import ultimates

    day = as_of.date() if as_of else datetime.date.today()

    async def find(store: Store) -> tuple[list[Any], int]:
        items, cursor = [], None
        while True:
            page = await ultimates.report(store, as_of=day, cursor=cursor, limit=paging.MAX_LIMIT)
            items.extend(page.items)
            if page.next_cursor is None:
                return items, page.checked
            cursor = page.next_cursor

    items, checked = with_store(find)
    if as_json:
        echo_json(
            {
                "as_of": day.isoformat(),
                "checked": checked,
                "total": len(items),
                "items": [dataclasses.asdict(item) for item in items],
            }
        )
        return
    for item in items:
        declared, root = item.declared_ultimate_key, item.root_key
        click.echo(f"{item.key} {item.name!r}: declared {declared}, root {root}: {item.reason}")
        click.echo(f"  chain: {' -> '.join(item.chain)}")
    click.echo(f"{len(items):,} of {checked:,} declared ultimate parent(s) differ from the computed root on {day}")


@main.group("territories")
def territories_group() -> None:
    """Preview and apply the territory rules (see docs/territories.md)."""


@territories_group.command("preview")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead of tables.")
@fails_cleanly
def territories_preview(file: Path, as_json: bool) -> None:
    """Show which organisations the rules of FILE would move from where to where; change nothing.

    FILE is a territories load file (territories.csv or territories.jsonl) with changed rules: its
    rows are checked as `crmgraph load --dry-run` checks them and laid over the stored rules. Exit
    code 1 when rows of it would be rejected (they propose nothing).
    """
    from graph import documents, loading

    report = with_store(lambda store: loading.preview_territories(store, path=file))
    if as_json:
        echo_json(documents.preview(report))
    else:
        click.echo(
            f"{file}: {report.created} territories would be created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.rejected} rejected"
        )
        for rejection in report.rejections:
            click.echo(f"  {rejection.file}:{rejection.line}: {rejection.field or '-'}: {rejection.reason}")
        _print_plan(report.assignments, would=True)
        click.echo("preview: nothing was changed")
    sys.exit(0 if report.ok else 1)


@territories_group.command("apply")
@fails_cleanly
def territories_apply() -> None:
    """Make every organisation's rule-derived territories follow the stored rules; print what moved.

    Loading organisations or territories does this already; run it after rules were changed in the
    graph by other means. Manual assignments are never touched; a second run changes nothing.
    """
    from graph import territories

    _print_plan(with_store(territories.apply), would=False)


def _print_plan(plan: Any, *, would: bool) -> None:
    """Print the moves of an assignment plan as a table, then its conflicts."""
    verb = "would move" if would else "moved"
    click.echo(
        f"{len(plan.moves):,} organisation(s) {verb}: {plan.added:,} rule assignment(s) added, "
        f"{plan.removed:,} removed; {len(plan.conflicts):,} conflict(s)"
    )
    if plan.moves:
        click.echo()
        _print_table(
            [
                ["organisation", "from", "to"],
                *(
                    [
                        move.organisation_key,
                        ", ".join(move.from_territories) or "-",
                        ", ".join(move.to_territories) or "-",
                    ]
                    for move in plan.moves
                ),
            ],
            numeric=set(),
        )
    if plan.conflicts:
        click.echo()
        for conflict in plan.conflicts:
            click.echo(f"conflict: {conflict.organisation_key} matches {', '.join(conflict.territories)}")


def _money(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):,.2f}"


def _percent(margin: Decimal | None) -> str:
    return "n/a" if margin is None else f"{margin} %"


def _figures_cells(figures: revenue.Figures) -> list[str]:
    return [_money(figures.revenue), _money(figures.gross_profit), _percent(figures.margin)]


def _walk(node: revenue.TreeFigures, level: int = 0) -> Iterator[tuple[revenue.TreeFigures, int]]:
    yield node, level
    for child in node.children:
        yield from _walk(child, level + 1)


def _print_table(rows: Sequence[Sequence[str]], *, numeric: Collection[int]) -> None:
    """Print rows (a header row first, if any) in aligned columns; the columns in `numeric` align right."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.rjust(width) if column in numeric else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())


@main.group()
def keys() -> None:
    """Create and revoke API keys of users."""


@keys.command("create")
@click.argument("user_key")
@fails_cleanly
def keys_create(user_key: str) -> None:
    """Create an API key for USER_KEY and print it once; only its hash is stored."""

    async def create(store: Store) -> str:
        return await auth.create_key(store, user_key=user_key)

    click.echo(with_store(create))


@keys.command("revoke")
@click.argument("user_key")
@fails_cleanly
def keys_revoke(user_key: str) -> None:
    """Revoke every API key of USER_KEY."""

    async def revoke(store: Store) -> int:
        return await auth.revoke_keys(store, user_key=user_key)

    click.echo(f"revoked {with_store(revoke)} key(s) of {user_key}")


# Where both `seed` commands write their load files.
seed_out = click.option(
    "--out",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the load files into (created; files in it are replaced).",
)


@main.group("seed")
def seed_group() -> None:
    """Generate data sets for trying and benchmarking crmgraph (see docs/generator.md)."""


@seed_group.command("generate")
@click.option(
    "--organisations", required=True, type=click.IntRange(1, 10_000_000), help="How many organisations to generate."
)
@click.option("--seed", "seed_number", default=1, show_default=True, type=int, help="Same seed, same bytes.")
@seed_out
@fails_cleanly
def seed_generate(organisations: int, seed_number: int, directory: Path) -> None:
    """Write every kind of load file for a synthetic customer base of N organisations into a directory.

    Corporate groups of every size (one of about 10 % of N, several of 1 %, many of 100 to 500
    members, many tiny ones) with history, associations, contacts, shared and central-settlement
    accounts, twelve months of bookings, territories and users. Prints a line per file as it is
    written, then the representative groups and the throughput. Load the result with
    `crmgraph load DIR`.
    """
    from seed.generate import generate

    def report(kind: str, rows: int, seconds: float) -> None:
        click.echo(f"{directory / kind}.csv: {rows:,} rows ({seconds:.1f} s)")

    generated = generate(directory, organisations=organisations, seed=seed_number, progress=report)
    for size_class, roots in generated.groups.items():
        listed = ", ".join(f"{root} ({generated.sizes[root]:,})" for root in roots) or "none at this size"
        click.echo(f"{size_class} groups: {listed}")
    click.echo(f"ask as of {generated.as_of}; reps with a territory: {len(generated.reps)}")
    rate = generated.rows / max(generated.seconds, 1e-6)
    click.echo(f"{generated.rows:,} rows in {generated.seconds:.1f} s: {rate:,.0f} rows/s")


@seed_group.command("demo")
@seed_out
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the demo is dated as of, YYYY-MM-DD [today].",
)
@fails_cleanly
def seed_demo(directory: Path, today: datetime.datetime | None) -> None:
    """Write the demo's load files with every date moved to the month of today (or --today) into a directory.

    The files in seed/demo/ are written as of one month (see seed/demo/README.md); these hold the
    24 months of bookings up to the current month, as `crmgraph demo` loads them. Load them with
    `crmgraph load DIR`.
    """
    from seed import demo as demo_data

    day = today.date() if today else datetime.date.today()
    written = demo_data.shifted_files(day, into=directory)
    click.echo(f"{written}: the demo as of {day.isoformat()} (its {demo_data.ANCHOR:%Y-%m} moved to {day:%Y-%m})")


if __name__ == "__main__":
    main()
