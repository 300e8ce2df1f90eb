"""Measure rule-based assignment on generated organisations and territories (not a test; nothing is kept).

Run: `.venv/bin/python -m tests.territories.bench [SIZE]`: it starts an embedded engine in a
temporary directory, creates SIZE organisations in 5 countries and 100 territories with rules,
then times a first apply (every organisation moves), a second one (nothing moves), a preview of
one changed territory, and an apply for 1,000 given organisations.
"""

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from graph import admin, territories
from graph.queries import Query
from graph.settings import Settings
from graph.store.opening import open_store

DEFAULT_SIZE = 100_000
CREATE_BATCH = 50_000
COUNTRIES = ("DE", "AT", "CH", "NL", "BE")
INDUSTRIES = ("Building Materials", "Healthcare", "Retail", "Logistics", "Energy", "Public", "Food")


def _query(name: str, text: str) -> Query:
    return Query(f"tests/territories/bench/{name}", {"falkordb": text, "neo4j": text})


CREATE_ORGANISATIONS = _query(
    "create_organisations",
    "UNWIND $rows AS row CREATE (organisation:Organisation) SET organisation = row",
)
CREATE_TERRITORIES = _query(
    "create_territories",
    "UNWIND $rows AS row CREATE (territory:Territory) SET territory = row",
)


def organisation_rows(start: int, stop: int, rng: random.Random) -> list[dict[str, str]]:
    """Return organisations `start`..`stop`-1 with a random country, five-digit postcode and industry."""
    return [
        {
            "key": f"ORG-{n:07d}",
            "name": f"Firma {n}",
            "country": rng.choice(COUNTRIES),
            "postcode": f"{rng.randrange(100_000):05d}",
            "industry": rng.choice(INDUSTRIES),
        }
        for n in range(start, stop)
    ]


def territory_rows() -> list[dict[str, object]]:
    """Return 100 territories: per country 18 postcode districts, half by range, half by prefixes, and 10 overlays.

    District `d0000-d4999` and district `d5`…`d9` split the postcodes starting with the digit d
    (0…8); postcodes starting with 9 fall into no district. An overlay is a key-account area:
    one industry in one country's postcodes starting with one digit, so its organisations are
    in conflict with their district.
    """
    rows: list[dict[str, object]] = []
    for country in COUNTRIES:
        for digit in range(9):
            rows.append({"countries": [country], "postcode_ranges": [f"{digit}0000-{digit}4999"]})
            rows.append({"countries": [country], "postcode_prefixes": [f"{digit}{second}" for second in range(5, 10)]})
    for n in range(10):
        rows.append(
            {
                "countries": [COUNTRIES[n % len(COUNTRIES)]],
                "postcode_prefixes": [str(n)],
                "industries": [INDUSTRIES[n % len(INDUSTRIES)]],
            }
        )
    return [{"key": f"T-{n:03d}", "name": f"Territory {n}", **row} for n, row in enumerate(rows)]


async def timed(label: str, run) -> territories.AssignmentPlan:
    started = time.perf_counter()
    plan = await run
    seconds = time.perf_counter() - started
    print(
        f"{label}: {seconds:.1f} s (moves {len(plan.moves):,}, added {plan.added:,}, removed {plan.removed:,}, "
        f"conflicts {len(plan.conflicts):,})"
    )
    return plan


async def measure(size: int) -> None:
    """Create the graph in a fresh embedded engine and print how long each step takes."""
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="crmg-bench-") as work:
        settings = Settings(data_dir=Path(work) / "data", falkordb_graph="bench")
        async with await open_store(settings) as store:
            await admin.init_schema(store)
            for start in range(0, size, CREATE_BATCH):
                rows = organisation_rows(start, min(start + CREATE_BATCH, size), rng)
                await store.write(CREATE_ORGANISATIONS, {"rows": rows})
            await store.write(CREATE_TERRITORIES, {"rows": territory_rows()})
            print(f"{size:,} organisations, 100 territories")
            await timed("first apply", territories.apply(store))
            await timed("second apply", territories.apply(store))
            proposal = [{"key": "T-001", "postcode_prefixes": ["1"]}]  # DE: from 05…09 to 1
            await timed("preview of one changed territory", territories.preview(store, territory_rules=proposal))
            keys = [f"ORG-{n:07d}" for n in rng.sample(range(size), min(1_000, size))]
            await timed("apply for 1,000 organisations", territories.apply(store, organisation_keys=keys))


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE))
