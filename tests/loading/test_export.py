"""Export: load → export → load into an empty graph → export gives the same files, and the same graph."""

import csv
import datetime
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, health, loading
from graph.errors import InvalidInput
from graph.loading import KINDS, KINDS_BY_NAME, export
from graph.loading.export import ExportReport, export_to
from graph.queries import Query
from graph.schema import coerce, coerce_row
from graph.schema.properties import KEY_PATTERN
from graph.store import Store
from tests.loading.helpers import write

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo"


# -- Helpers ---------------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return the header and the rows of a CSV load file."""
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
        return list(reader.fieldnames or ()), rows


def typed(kind: str, row: dict[str, str]) -> tuple:
    """Return a row as the loader reads it (types, defaults, absent values), hashable: '1200' == '1200.00'."""
    values, errors = coerce_row(KINDS_BY_NAME[kind].specs, row)
    assert not errors, (kind, row, errors)
    return tuple(sorted((name, tuple(value) if isinstance(value, list) else value) for name, value in values.items()))


def sold_to_holders(directory: Path) -> dict[str, str]:
    """Return the one organisation holding each debtor account as sold_to, from a directory's accounts.csv."""
    holders: dict[str, list[str]] = {}
    for row in read_csv(directory / "accounts.csv")[1]:
        if row["role"] in ("", "sold_to"):
            holders.setdefault(row["debtor_number"], []).append(row["organisation_key"])
    return {number: keys[0] for number, keys in holders.items() if len(keys) == 1}


def typed_rows(directory: Path, kind: str, holders: dict[str, str]) -> Counter:
    """Return the typed rows of `<kind>.csv`; a booking without organisation gets its account's sold_to holder, an
    activity its contacts' employer on its day (as `employers` finds it), with its contacts in key order."""
    rows = read_csv(directory / f"{kind}.csv")[1]
    if kind == "revenue":
        rows = [{**row, "organisation_key": row["organisation_key"] or holders[row["debtor_number"]]} for row in rows]
    if kind == "activities":
        found = employers(directory)
        rows = [
            {
                **row,
                "organisation_key": row["organisation_key"] or found[row["contact_keys"], row["date"]],
                "contact_keys": ";".join(sorted(row["contact_keys"].split(";"))),
            }
            for row in rows
        ]
    return Counter(typed(kind, row) for row in rows)


def employers(directory: Path) -> dict[tuple[str, str], str]:
    """Return the employer of each (contacts, day) of a directory's activities.csv that names no organisation: the one
    organisation its one contact worked at that day by employments.csv (the demo's unattributed activities have one
    contact, who had one job at a time)."""
    jobs = read_csv(directory / "employments.csv")[1]
    found = {}
    for row in read_csv(directory / "activities.csv")[1]:
        if not row["organisation_key"]:
            (employer,) = {
                job["organisation_key"]
                for job in jobs
                if job["contact_key"] == row["contact_keys"]
                and (job["since"] or "0001-01-01") <= row["date"] <= (job["until"] or "9999-12-31")
            }
            found[row["contact_keys"], row["date"]] = employer
    return found


def files_of(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


async def graph_size(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    checked = await health.check(store)
    return checked.labels, checked.relationship_types


async def run(store: Store, text: str, **params: Any) -> list[dict[str, Any]]:
    """Run an ad-hoc query of a test (the same text on both engines)."""
    return await store.write(Query("tests/export", {"falkordb": text, "neo4j": text}), params)


async def load_clean(store: Store, *paths: Path) -> None:
    report = await loading.load_paths(store, list(paths))
    assert report.rejections == []


async def round_trip(store: Store, source: Path, work: Path, **options: Any) -> tuple[Path, ExportReport]:
    """Load `source` into the empty `store`, export, empty the store, load the export, export again; compare."""
    first, second = work / "e1", work / "e2"
    await load_clean(store, source)
    before = await graph_size(store)
    report = await export_to(store, first, **options)

    await admin.delete_everything(store)
    await load_clean(store, first)
    assert await graph_size(store) == before
    await export_to(store, second, **options)

    assert files_of(first) == files_of(second)
    return first, report


# -- The demo --------------------------------------------------------------------------------------


async def test_the_demo_survives_a_round_trip(store, tmp_path):
    exported, report = await round_trip(store, DEMO, tmp_path)

    assert [file.kind for file in report.files] == [kind.name for kind in KINDS]
    assert sorted(path.name for path in exported.iterdir()) == sorted(f"{kind.name}.csv" for kind in KINDS)
    holders = sold_to_holders(DEMO)
    for kind in KINDS:
        header, rows = read_csv(exported / f"{kind.name}.csv")
        assert header == list(kind.column_names), kind.name
        assert report.file(kind.name).rows == len(rows)
        assert report.file(kind.name).path == exported / f"{kind.name}.csv"
        assert typed_rows(exported, kind.name, holders) == typed_rows(DEMO, kind.name, holders), kind.name


async def test_small_pages_give_the_same_files(store, tmp_path):
    await load_clean(store, DEMO)

    await export_to(store, tmp_path / "large")
    await export_to(store, tmp_path / "small", page_size=2)

    assert files_of(tmp_path / "small") == files_of(tmp_path / "large")


async def test_rows_come_in_identity_order_and_territories_parents_first(store, tmp_path):
    await load_clean(store, DEMO)
    await run(
        store, "MATCH (t:Territory {key: 'DE-SOUTH'}) CREATE (:Territory {key: 'A-SUB', name: 'Sub'})<-[:PARENT_OF]-(t)"
    )

    await export_to(store, tmp_path)

    for kind in KINDS:
        if kind.name == "territories":
            continue
        cells = [[row[name] for name in kind.identity] for row in read_csv(tmp_path / f"{kind.name}.csv")[1]]
        assert cells == sorted(cells), kind.name
    territories = [(row["key"], row["parent_key"]) for row in read_csv(tmp_path / "territories.csv")[1]]
    assert territories[0] == ("REGION-CENTRAL", "")
    assert territories[-1] == ("A-SUB", "DE-SOUTH")
    seen = set()
    for key, parent in territories:
        assert not parent or parent in seen
        seen.add(key)


async def test_formats_match_the_load_files(store, tmp_path):
    await load_clean(store, DEMO)

    await export_to(store, tmp_path)

    parents = read_csv(tmp_path / "parents.csv")[1]
    assert {"parent_key": "ORG-DE-0001", "child_key": "ORG-DE-0002", "kind": "legal"} | {
        "valid_from": "",
        "valid_to": "",
        "share": "100",
    } in parents
    assert {"parent_key": "ORG-DE-0002", "child_key": "ORG-DE-0011", "kind": "legal"} | {
        "valid_from": "2018-07-01",
        "valid_to": "2024-03-31",
        "share": "",
    } in parents
    revenue = read_csv(tmp_path / "revenue.csv")[1]
    assert {"debtor_number": "100045", "period": "2025-02", "revenue": "-2380.55", "gross_profit": "-512.40"} | {
        "organisation_key": "ORG-DE-0007",
        "currency": "",
    } in revenue
    territories = {row["key"]: row for row in read_csv(tmp_path / "territories.csv")[1]}
    assert territories["DE-SOUTH"]["postcode_prefixes"] == "6;7;8;9"
    assert {row["is_main_contact"] for row in read_csv(tmp_path / "employments.csv")[1]} == {"true", "false"}
    text = (tmp_path / "supplies.csv").read_text(encoding="utf-8")
    assert '"Dämmstoffe, Rahmenvertrag"' in text and "\r" not in text


async def test_only_manual_territory_assignments_are_exported(store, tmp_path):
    await load_clean(store, DEMO)
    await run(
        store,
        "MATCH (o:Organisation {key: 'ORG-DE-0002'}), (t:Territory {key: 'DE-SOUTH'}) "
        "MERGE (o)-[link:ASSIGNED_TO]->(t) SET link.source = 'rule'",
    )

    await export_to(store, tmp_path, kinds=["org_territories"])

    rows = read_csv(tmp_path / "org_territories.csv")[1]
    assert ("ORG-DE-0002", "DE-SOUTH") not in {(row["organisation_key"], row["territory_key"]) for row in rows}
    assert len(rows) == 2


async def test_former_keys_are_counted_not_exported(store, tmp_path):
    await load_clean(store, DEMO)
    await run(store, "MATCH (o:Organisation {key: 'ORG-DE-0002'}) SET o.former_keys = ['OLD-1', 'OLD-2']")

    report = await export_to(store, tmp_path, kinds=["organisations"])

    assert report.former_keys == 2
    assert "OLD-1" not in (tmp_path / "organisations.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "Line\rbreak",
        "two\nlines",
        "crlf\r\nhere",
        'say "hi"',
        "a, b",
        "semi;colon",
        "ünï©ødé ✓ 東京",
        "a\u2028b\x85c",
        "=1+2",
    ],
)
async def test_awkward_text_survives_a_round_trip(store, tmp_path, name):
    source = tmp_path / "source"
    source.mkdir()
    with open(source / "organisations.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["key", "name", "city"], ["ORG-1", name, name]])

    exported, _ = await round_trip(store, source, tmp_path)

    assert read_csv(exported / "organisations.csv")[1][0] == {
        "key": "ORG-1",
        "name": name,
        "kind": "company",
        **dict.fromkeys(["status", "industry", "vat_id", "street", "postcode"], ""),
        "city": name,
        **dict.fromkeys(["country", "source", "declared_ultimate_key"], ""),
    }


# -- Options and errors ----------------------------------------------------------------------------


async def test_chosen_kinds_are_written_in_kind_order_with_progress(store, tmp_path):
    await load_clean(store, DEMO)
    calls = []

    report = await export_to(
        store, tmp_path / "out", kinds=["revenue", "parents"], page_size=100, progress=lambda *call: calls.append(call)
    )

    assert [(file.kind, file.rows) for file in report.files] == [("parents", 20), ("revenue", 789)]
    assert report.rows == 809
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["parents.csv", "revenue.csv"]
    assert calls == [("parents", 20)] + [("revenue", rows) for rows in (*range(100, 800, 100), 789)]


async def test_an_empty_graph_gives_header_only_files(store, tmp_path):
    report = await export_to(store, tmp_path)

    assert report.rows == 0
    assert (tmp_path / "parents.csv").read_text(
        encoding="utf-8"
    ) == "parent_key,child_key,kind,valid_from,valid_to,share\n"
    assert (await loading.load_paths(store, [tmp_path])).ok


async def test_unknown_kinds_and_rival_files_are_refused(store, tmp_path):
    with pytest.raises(InvalidInput, match="unknown kind 'parent'"):
        await export_to(store, tmp_path, kinds=["parent"])
    write(tmp_path, "users.jsonl", "")
    with pytest.raises(InvalidInput, match="users.jsonl"):
        await export_to(store, tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["users.jsonl"]
    with pytest.raises(InvalidInput, match="page_size"):
        await export_to(store, tmp_path / "x", page_size=0)


class FailingStore:
    """A store that fails its n-th read."""

    def __init__(self, store: Store, fail_at: int):
        self.store, self.reads, self.fail_at = store, 0, fail_at

    async def read(self, query, params=None):
        self.reads += 1
        if self.reads == self.fail_at:
            raise RuntimeError("engine gone")
        return await self.store.read(query, params)


async def test_a_failed_export_leaves_no_half_written_file(store, tmp_path):
    await load_clean(store, DEMO)
    failing = FailingStore(store, fail_at=4)  # organisations: keys, rows; contacts: keys, then rows fail

    with pytest.raises(RuntimeError, match="engine gone"):
        await export_to(failing, tmp_path, page_size=100)  # type: ignore[arg-type]

    assert [path.name for path in tmp_path.iterdir()] == ["organisations.csv"]


# -- Formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "0.00"), (5, "0.05"), (-5, "-0.05"), (120000, "1200.00"), (-238055, "-2380.55")]
)
def test_amounts_have_two_decimals(cents, text):
    assert export._amount(cents) == text


@given(st.floats(min_value=0, max_value=1e20, allow_nan=False) | st.floats(min_value=0, max_value=1e-3))
def test_a_number_reads_back_as_the_same_float(number):
    text = export._number(number)
    assert coerce(KINDS_BY_NAME["parents"].specs["share"], text) == number


def test_every_kind_has_an_export_source():
    assert set(export._SOURCES) == set(KINDS_BY_NAME)


# -- Random data sets ------------------------------------------------------------------------------

keys = st.from_regex(KEY_PATTERN.replace("{0,127}", "{0,8}"), fullmatch=True)
# Any text but NUL and lone surrogates (neither is valid in the engines' strings), with commas, quotes,
# line breaks and all; the loader trims blanks around a value, so values come trimmed and not empty.
texts = (
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool)
)
list_items = texts.filter(lambda text: ";" not in text).map(str.strip).filter(bool)
optional_texts = st.none() | texts
FIRST_DAY = datetime.date(2000, 1, 1)
days = st.integers(0, 30 * 365).map(lambda offset: FIRST_DAY + datetime.timedelta(days=offset))
periods = st.builds(lambda year, month: f"{year}-{month:02d}", st.integers(2020, 2026), st.integers(1, 12))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(value)
    return str(value)


@st.composite
def amounts(draw) -> str:
    cents = draw(st.integers(-(10**11), 10**11))
    whole, fraction = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    forms = [f"{sign}{whole}.{fraction:02d}"]
    if fraction == 0:
        forms.append(f"{sign}{whole}")
    if fraction % 10 == 0:
        forms.append(f"{sign}{whole}.{fraction // 10}")
    return draw(st.sampled_from(forms))


@st.composite
def organisations(draw) -> list[dict[str, Any]]:
    chosen = draw(st.lists(keys, min_size=1, max_size=8, unique=True))
    return [
        {
            "key": key,
            "name": draw(texts),
            "kind": draw(st.none() | st.sampled_from(["company", "branch", "household", "association", "chain"])),
            "status": draw(st.none() | st.sampled_from(["lead", "customer", "former"])),
            "industry": draw(optional_texts),
            "vat_id": draw(optional_texts),
            "street": draw(optional_texts),
            "postcode": draw(st.none() | st.from_regex(r"[0-9A-Z]{4,5}", fullmatch=True)),
            "city": draw(optional_texts),
            "country": draw(st.none() | st.sampled_from(["DE", "AT", "NL"])),
            "source": draw(optional_texts),
        }
        for key in chosen
    ]


@st.composite
def parents(draw, orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A forest with history: each child's parents come earlier in the list, and its periods never overlap."""
    rows = []
    for index in range(1, len(orgs)):
        count = draw(st.integers(0, 2))
        start = draw(st.none() | days)
        for period in range(count):
            end = None
            if period < count - 1 or draw(st.booleans()):
                end = (start or FIRST_DAY) + datetime.timedelta(days=draw(st.integers(0, 3000)))
            kind = draw(st.none() | st.sampled_from(["legal", "branch"]))
            share = None
            if kind != "branch" and draw(st.booleans()):
                share = draw(st.from_regex(r"100|[0-9]{1,2}(\.[0-9]{1,6})?", fullmatch=True))
            parent = orgs[draw(st.integers(0, index - 1))]["key"]
            rows.append(
                {"parent_key": parent, "child_key": orgs[index]["key"], "kind": kind}
                | {"valid_from": start, "valid_to": end, "share": share}
            )
            if end is None:
                break
            start = end + datetime.timedelta(days=1)
    return rows


@st.composite
def territories(draw) -> list[dict[str, Any]]:
    chosen = draw(st.lists(keys, max_size=5, unique=True))
    rows = []
    for index, key in enumerate(chosen):
        parent = chosen[draw(st.integers(0, index - 1))] if index and draw(st.booleans()) else None
        rows.append(
            {
                "key": key,
                "name": draw(texts),
                "parent_key": parent,
                "countries": draw(st.lists(st.sampled_from(["DE", "AT", "NL"]), max_size=2)),
                "postcode_prefixes": draw(st.lists(list_items, max_size=2)),
                "postcode_ranges": draw(st.lists(st.sampled_from(["1000-4999", "A000-ZZZZ"]), max_size=2)),
                "industries": draw(st.lists(list_items, max_size=3)),
            }
        )
    # A child may come before its parent in key order, never in the file.
    return rows


@st.composite
def revenue(draw, orgs: list[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict]]:
    numbers = draw(st.lists(keys, max_size=4, unique=True))
    org_keys = [org["key"] for org in orgs]
    debtors = [{"number": number, "name": draw(texts), "erp": draw(optional_texts)} for number in numbers]
    accounts, holders = [], {}
    for number in numbers:
        held = draw(st.lists(st.sampled_from(org_keys), min_size=1, max_size=2, unique=True))
        for position, key in enumerate(held):
            role = (
                draw(st.sampled_from([None, "sold_to", "payer"]))
                if position
                else draw(st.sampled_from([None, "sold_to"]))
            )
            accounts.append({"organisation_key": key, "debtor_number": number, "role": role})
        sold_to = [
            row["organisation_key"] for row in accounts if row["debtor_number"] == number and row["role"] != "payer"
        ]
        if len(sold_to) == 1:
            holders[number] = sold_to[0]
    bookings, identities = [], set()
    for number in numbers:
        for _ in range(draw(st.integers(0, 3))):
            organisation = draw(st.sampled_from(org_keys))
            period = draw(periods)
            if (number, period, organisation) in identities:
                continue  # one file gives an identity once
            identities.add((number, period, organisation))
            named = not (holders.get(number) == organisation and draw(st.booleans()))
            bookings.append(
                {
                    "debtor_number": number,
                    "period": period,
                    "revenue": draw(amounts()),
                    "gross_profit": draw(st.none() | amounts()),
                    "organisation_key": organisation if named else None,
                    "currency": draw(st.none() | st.just("EUR")),
                }
            )
    return debtors, accounts, bookings


@st.composite
def data_sets(draw) -> dict[str, list[dict[str, Any]]]:
    orgs = draw(organisations())
    debtors, accounts, bookings = draw(revenue(orgs))
    return {
        "organisations": orgs,
        "debtors": debtors,
        "territories": draw(territories()),
        "parents": draw(parents(orgs)),
        "accounts": accounts,
        "revenue": bookings,
    }


def write_data_set(directory: Path, data: dict[str, list[dict[str, Any]]]) -> None:
    directory.mkdir(parents=True)
    for kind, rows in data.items():
        with open(directory / f"{kind}.csv", "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\r\n")
            writer.writerow(KINDS_BY_NAME[kind].column_names)
            writer.writerows([cell(row.get(name)) for name in KINDS_BY_NAME[kind].column_names] for row in rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=data_sets())
async def test_random_data_sets_survive_a_round_trip(store, tmp_path, data):
    await admin.delete_everything(store)
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    write_data_set(work / "source", data)

    exported, report = await round_trip(store, work / "source", work, page_size=3)

    holders = sold_to_holders(work / "source")
    for kind, rows in data.items():
        assert typed_rows(exported, kind, holders) == typed_rows(work / "source", kind, holders), kind
        assert report.file(kind).rows == len(rows)


async def test_days_of_any_year_survive_a_round_trip(store, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    write(source, "organisations.csv", "key,name\nP,Parent\nC,Child\nD,Other child\n")
    write(
        source,
        "parents.csv",
        "parent_key,child_key,valid_from,valid_to\nP,C,0001-01-01,0500-01-01\nP,C,1901-01-01,9999-12-31\n"
        "P,D,0339-08-10,\n",
    )

    exported, _ = await round_trip(store, source, tmp_path / "out")

    periods = {(row["child_key"], row["valid_from"], row["valid_to"]) for row in read_csv(exported / "parents.csv")[1]}
    assert periods == {("C", "0001-01-01", "0500-01-01"), ("C", "1901-01-01", "9999-12-31"), ("D", "0339-08-10", "")}
