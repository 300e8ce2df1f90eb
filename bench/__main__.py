"""Run the benchmark: `python -m bench --help`."""

import argparse
import asyncio
import datetime
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import baselines, data, engine, explorer, live_writes, report
from bench.report import Figure, Results
from bench.workloads import Bench, Repetitions
from graph import auth
from graph.search_index import SearchIndexes
from graph.snapshots import Snapshots

BENCH_ADMIN = "bench-admin"


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Generate data, load it into a fresh embedded engine with `crmgraph load`, and measure "
        "crmgraph (service and HTTP) against SQLite, PostgreSQL, plain Python and Neo4j on the same data: "
        "p50/p95 after warm-up, the ratio baseline/crmgraph, every baseline's answers checked against ours. "
        "Prints the table and writes it as markdown to RESULTS/<timestamp>.md. Exit code 1 when a baseline "
        "answered differently. PostgreSQL: CRMGRAPH_BENCH_POSTGRES_DSN or a local socket; Neo4j: CRMGRAPH_NEO4J_URI.",
    )
    parser.add_argument("--size", type=int, default=100_000, help="organisations to generate [%(default)s]")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator [%(default)s]")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs of each question [%(default)s]")
    parser.add_argument("--repeats", type=int, default=30, help="measured runs of each question [%(default)s]")
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients of W6 [%(default)s]")
    parser.add_argument("--seconds", type=float, default=10, help="how long W6 runs per endpoint [%(default)s]")
    parser.add_argument("--live-seconds", type=float, default=60, help="how long W7 reads under writes [%(default)s]")
    parser.add_argument(
        "--results", type=Path, default=Path("bench-results"), help="where the markdown goes [%(default)s]"
    )
    parser.add_argument("--workdir", type=Path, help="for the data and the engine [a new temporary directory]")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (data, engine, logs)")
    return parser.parse_args(argv)


async def run(chosen: argparse.Namespace) -> int:
    """Run the whole benchmark; return the exit code."""
    started = datetime.datetime.now(datetime.UTC)
    workdir = chosen.workdir or Path(tempfile.mkdtemp(prefix="crmgraph-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    repetitions = Repetitions(chosen.warmup, chosen.repeats)
    results = Results(machine=report.machine())
    print(f"crmgraph benchmark: {chosen.size:,} organisations, seed {chosen.seed}, in {workdir}", flush=True)
    try:
        dataset = _step("generate", lambda: data.prepare(workdir / "data", organisations=chosen.size, seed=chosen.seed))
        systems = _step("build the baselines", lambda: _baselines(dataset, workdir, results))
        print(f"PostgreSQL: {results.settings['PostgreSQL']}", flush=True)
        results.settings.update(
            {
                "organisations": f"{len(dataset.organisations):,} ({len(dataset.parents):,} parent periods, "
                f"{len(dataset.bookings):,} bookings)",
                "seed": str(chosen.seed),
                "as of": dataset.as_of.isoformat(),
                "months summed": f"{dataset.first} to {dataset.last}",
                "repetitions": f"{repetitions.warmup} warm-up, {repetitions.repeats} measured "
                f"(W5: {repetitions.few.warmup} and {repetitions.few.repeats})",
                "W6": f"{chosen.clients} clients for {chosen.seconds:g} s per endpoint",
                "W7": f"{chosen.clients} clients for {chosen.live_seconds:g} s, a parent change every "
                f"{live_writes.MOVE_EVERY_S:g} s, {live_writes.BOOKINGS_PER_BATCH} bookings every "
                f"{live_writes.BOOKINGS_EVERY_S:g} s",
            }
        )
        await _measure(dataset, systems, workdir, repetitions, results, chosen)
    finally:
        if not chosen.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    report.print_table(results)
    for mismatch in results.mismatches:
        print(f"DIFFERENT ANSWER: {mismatch}")
    path = report.write_markdown(results, chosen.results, started)
    print(f"\nwritten to {path}")
    return 1 if results.mismatches else 0


async def _measure(
    dataset: data.Dataset,
    systems: list[baselines.Baseline],
    workdir: Path,
    repetitions: Repetitions,
    results: Results,
    chosen: argparse.Namespace,
) -> None:
    embedded = engine.Engine(workdir / "engine")
    embedded.start()
    stores = []
    try:
        loaded = embedded.load(dataset.directory)
        note = f"{loaded.rows_per_second:,.0f} rows/s end to end ({loaded.seconds:.1f} s, {loaded.rejected:,} rejected)"
        results.add(Figure("W1 load", f"{loaded.rows:,} rows", "crmgraph load", reference=True, note=note))
        rss = embedded.rss_bytes()
        results.add(Figure("memory", "engine RSS after loading", "FalkorDB", note=f"{rss / 2**20:,.0f} MiB"))
        admin = dataset.admins[0] if dataset.admins else _add_admin(embedded, workdir)
        store = await embedded.open_store()
        stores.append(store)
        results.machine["FalkorDB"] = await store.engine_version()
        api_key = await auth.create_key(store, user_key=admin)
        snapshots = {store: Snapshots(store)}
        await _snapshot_read(snapshots[store], dataset, results)
        services = {"crmgraph service": store}
        neo4j, skipped = await engine.neo4j_store(dataset.directory)
        results.settings["Neo4j"] = skipped or "loaded with `crmgraph load`, crmgraph's service on it"
        print(f"Neo4j: {results.settings['Neo4j']}", flush=True)
        if neo4j is not None:
            stores.append(neo4j)
            services["Neo4j, crmgraph service"] = neo4j
            snapshots[neo4j] = Snapshots(neo4j)
        with embedded.serving(workdir / "serve.log") as base_url:
            async with httpx.AsyncClient(
                base_url=base_url,
                headers={"Authorization": f"Bearer {api_key}"},
                timeout=60,
                limits=httpx.Limits(max_connections=chosen.clients),
            ) as http:
                await _server_ready(http, results)
                _api_memory(embedded, "API server RSS, snapshot and search index read", results)
                memory = next(system for system in systems if isinstance(system, baselines.InMemory))
                search_indexes = {service: SearchIndexes(snapshots[service]) for service in snapshots}
                bench = Bench(dataset, services, snapshots, search_indexes, http, systems, memory, repetitions, results)
                await bench.group_rollups()
                await bench.ancestors()
                await bench.visibility(store)
                await bench.ranking()
                await explorer.explorer_calls(bench)
                await bench.throughput(clients=chosen.clients, seconds=chosen.seconds)
                # Last: it changes the data every other workload asks about.
                await live_writes.live_writes(bench, clients=chosen.clients, seconds=chosen.live_seconds)
                _api_memory(embedded, "API server RSS after W7's live writes", results)
    finally:
        for opened in stores:
            await opened.close()
        embedded.stop()
        for system in systems:
            system.close()


async def _snapshot_read(snapshots: Snapshots, dataset: data.Dataset, results: Results) -> None:
    """Time the first question after a write: reading the snapshot again, then the structure of the day asked."""
    started = time.perf_counter()
    found = await snapshots.current()
    read = time.perf_counter() - started
    started = time.perf_counter()
    await found.forest(dataset.as_of)
    structure = time.perf_counter() - started
    for case, seconds in (("read again after a write", read), ("structure of the day, first use", structure)):
        results.add(Figure("snapshot", case, "crmgraph service", seconds * 1000, reference=True, note="measured once"))


def _api_memory(embedded: engine.Engine, case: str, results: Results) -> None:
    """Report the API server's resident memory: one worker, holding one snapshot (docs/snapshot.md)."""
    assert embedded.api_pid is not None
    rss = engine.resident_bytes(embedded.api_pid)
    results.add(Figure("memory", case, "crmgraph serve", note=f"{rss / 2**20:,.0f} MiB"))


async def _server_ready(http: httpx.AsyncClient, results: Results) -> None:
    """Wait until the server has read its snapshot and built its search index; time it from the first request.

    Both take seconds of CPU at a million organisations in the server's process, which would slow the first
    workload's requests: what a start-up costs is reported once, not inside a request's figures. The first search
    of a server waits for both (docs/search.md).
    """
    started = time.perf_counter()
    response = await http.get("/v1/organisations", params={"q": "a", "limit": "1"})
    response.raise_for_status()
    seconds = time.perf_counter() - started
    note = "the first search waits for the snapshot and the search index: measured once"
    results.add(
        Figure(
            "server start",
            "snapshot read, search index built",
            "crmgraph HTTP",
            seconds * 1000,
            reference=True,
            note=note,
        )
    )


def _baselines(dataset: data.Dataset, workdir: Path, results: Results) -> list[baselines.Baseline]:
    systems: list[baselines.Baseline] = [baselines.InMemory(dataset), baselines.sqlite(dataset, workdir)]
    postgres, skipped = baselines.postgres(dataset)
    results.settings["PostgreSQL"] = skipped or "recursive CTEs in a schema of its own, dropped afterwards"
    if postgres is not None:
        systems.append(postgres)
    return systems


def _add_admin(embedded: engine.Engine, workdir: Path) -> str:
    """Load an admin user for the HTTP key when the data has none (after W1, so it is not timed)."""
    directory = workdir / "admin"
    directory.mkdir(exist_ok=True)
    (directory / "users.csv").write_text(f"key,name,role\n{BENCH_ADMIN},Benchmark administrator,admin\n")
    embedded.load(directory)
    return BENCH_ADMIN


def _step(name: str, work):
    started = time.perf_counter()
    print(f"{name} …", end=" ", flush=True)
    done = work()
    print(f"{time.perf_counter() - started:.1f} s", flush=True)
    return done


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark with the command line's options."""
    return asyncio.run(run(options(argv)))


if __name__ == "__main__":
    sys.exit(main())
