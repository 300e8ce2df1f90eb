"""The scale data generator: the same bytes per seed, files that load without a rejection, the promised shape.

The shape is checked against a plain-Python reading of the written files (links valid on a day,
groups, depths, attribution, territory rules), which shares no code with the generator.
"""

import csv
import datetime
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import loading
from graph.hierarchy import chains
from seed.generate import generate

SIZE = 2_000
KINDS = {
    "organisations", "contacts", "debtors", "territories", "users", "relationship_types", "parents", "memberships",
    "supplies", "employments", "accounts", "org_territories", "user_territories", "substitutes", "relationships",
    "revenue", "activities", "opportunities",
}  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Generate SIZE organisations once for the module: (the result, the files read back)."""
    directory = tmp_path_factory.mktemp("generated")
    generated = generate(directory, organisations=SIZE, seed=7)
    return generated, read_files(directory)


def read_files(directory: Path) -> dict[str, list[dict[str, str]]]:
    """Read every `<kind>.csv` of a directory as a list of rows."""
    files = {}
    for path in sorted(directory.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as file:
            files[path.stem] = list(csv.DictReader(file))
    return files


def day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def valid_on(row: dict[str, str], on: datetime.date, first: str = "valid_from", last: str = "valid_to") -> bool:
    """Tell whether a row's period, both ends inclusive and either open, holds the day `on`."""
    start, end = day(row[first]), day(row[last])
    return (start is None or start <= on) and (end is None or on <= end)


def parents_on(files, on: datetime.date) -> dict[str, str]:
    """Return child -> parent of the PARENT_OF links valid on a day."""
    return {row["child_key"]: row["parent_key"] for row in files["parents"] if valid_on(row, on)}


def depth_and_root(parents: dict[str, str], key: str) -> tuple[int, str]:
    depth, seen = 0, {key}
    while key in parents:
        key = parents[key]
        assert key not in seen, f"cycle through {key}"
        seen.add(key)
        depth += 1
    return depth, key


def groups_on(files, on: datetime.date) -> tuple[dict[str, int], dict[str, int]]:
    """Return (root -> member count, organisation -> depth) of the structure on a day."""
    parents = parents_on(files, on)
    sizes: Counter[str] = Counter()
    depths = {}
    for row in files["organisations"]:
        depths[row["key"]], root = depth_and_root(parents, row["key"])
        sizes[root] += 1
    return dict(sizes), depths


def matches(organisation: dict[str, str], territory: dict[str, str]) -> bool:
    """Tell whether an organisation meets every criterion a territory sets (none set: it matches nothing)."""
    postcode = organisation["postcode"]
    tests = []
    if territory["countries"]:
        tests.append(organisation["country"] in territory["countries"].split(";"))
    if territory["postcode_prefixes"]:
        tests.append(any(postcode.startswith(prefix) for prefix in territory["postcode_prefixes"].split(";")))
    if territory["postcode_ranges"]:
        bounds = [text.split("-") for text in territory["postcode_ranges"].split(";")]
        tests.append(any(len(low) == len(postcode) == len(high) and low <= postcode <= high for low, high in bounds))
    if territory["industries"]:
        tests.append(organisation["industry"] in territory["industries"].split(";"))
    return bool(tests) and all(tests)


def check_rules(files, as_of: datetime.date) -> None:
    """Assert what the loader would refuse never occurs, and that the structure is acyclic on every day."""
    keys = {row["key"] for row in files["organisations"]}
    assert len(keys) == len(files["organisations"])
    periods = defaultdict(list)
    for row in files["parents"]:
        assert {row["parent_key"], row["child_key"]} <= keys and row["parent_key"] != row["child_key"]
        periods[row["child_key"]].append((day(row["valid_from"]) or datetime.date.min, day(row["valid_to"])))
        assert row["valid_to"] == "" or day(row["valid_to"]) < as_of, "history ends before the day asked"
    for child, spans in periods.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end is not None and end < start, f"two parents of {child} at once"
    boundaries = {datetime.date(1900, 1, 1), as_of}
    for row in files["parents"]:
        boundaries.update(d for d in (day(row["valid_from"]), day(row["valid_to"])) if d)
    for on in boundaries:
        parents = parents_on(files, on)
        for key in parents:
            depth_and_root(parents, key)
    accounts = defaultdict(list)
    for row in files["accounts"]:
        accounts[row["debtor_number"]].append(row)
    identities = set()
    for row in files["revenue"]:
        holders = [
            account["organisation_key"] for account in accounts[row["debtor_number"]] if account["role"] == "sold_to"
        ]
        attributed = row["organisation_key"] or (holders[0] if len(holders) == 1 else None)
        assert attributed in keys, f"booking {row} is not attributable"
        identity = (row["debtor_number"], row["period"], attributed)
        assert identity not in identities
        identities.add(identity)
    associations = {row["key"] for row in files["organisations"] if row["kind"] in ("association", "chain")}
    members = [(row["member_key"], row["association_key"]) for row in files["memberships"]]
    assert len(set(members)) == len(members)
    assert all(association in associations and member not in associations for member, association in members)
    districts = [row for row in files["territories"] if row["countries"]]
    for organisation in files["organisations"]:
        assert sum(matches(organisation, district) for district in districts) == 1, organisation
    for kind, ends in (
        ("employments", ("contact_key", "organisation_key")),
        ("supplies", ("supplier_key", "customer_key")),
        ("relationships", ("from_key", "to_key", "type")),
        ("org_territories", ("organisation_key",)),
    ):
        identities = [tuple(row[end] for end in ends) for row in files[kind]]
        assert len(set(identities)) == len(identities), kind


def test_the_same_seed_writes_the_same_bytes_and_another_seed_others(tmp_path):
    generate(tmp_path / "a", organisations=SIZE, seed=7)
    generate(tmp_path / "b", organisations=SIZE, seed=7)
    generate(tmp_path / "c", organisations=SIZE, seed=8)

    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert {Path(name).stem for name in names} == KINDS
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "parents.csv").read_bytes() != (tmp_path / "c" / "parents.csv").read_bytes()
    assert (tmp_path / "a" / "revenue.csv").read_bytes() != (tmp_path / "c" / "revenue.csv").read_bytes()


def test_the_result_counts_what_was_written(written):
    generated, files = written

    assert generated.files == {kind: len(rows) for kind, rows in files.items()}
    assert generated.users == len(files["users"]) and generated.territories == len(files["territories"])
    assert generated.as_of == datetime.date(2025, 12, 31)


def test_no_rule_of_the_loader_is_broken(written):
    generated, files = written

    check_rules(files, generated.as_of)


def test_group_sizes_and_depth_are_as_promised(written):
    generated, files = written
    sizes, depths = groups_on(files, generated.as_of)

    assert {root: sizes[root] for root in generated.sizes} == generated.sizes
    (huge,) = generated.groups["huge"]
    assert 0.09 * SIZE <= sizes[huge] <= 0.11 * SIZE
    assert generated.groups["medium"] and all(250 <= sizes[root] <= 350 for root in generated.groups["medium"])
    assert generated.groups["tiny"] and all(8 <= sizes[root] <= 12 for root in generated.groups["tiny"])
    assert generated.groups["large"] and all(sizes[root] >= 0.04 * SIZE for root in generated.groups["large"])
    assert sum(1 for size in sizes.values() if 100 <= size <= 500) >= 2
    assert sum(1 for size in sizes.values() if size == 1) >= 0.3 * SIZE, "a long tail of single organisations"
    assert 8 < max(depths.values()) <= 12
    assert sum(1 for size in sizes.values() if 0.008 * SIZE <= size <= 0.012 * SIZE) >= 3, "several ~1 % groups"


def test_branches_hang_at_the_bottom_and_history_moves_organisations(written):
    generated, files = written
    kinds = {row["key"]: row["kind"] for row in files["organisations"]}
    current = parents_on(files, generated.as_of)

    branch_links = [row for row in files["parents"] if row["kind"] == "branch"]
    assert branch_links and all(kinds[row["child_key"]] == "branch" for row in branch_links)
    assert all(kinds[child] == "branch" for child, parent in current.items() if kinds[parent] == "branch")
    ended = [row for row in files["parents"] if row["valid_to"]]
    moved = [row for row in ended if current.get(row["child_key"], row["parent_key"]) != row["parent_key"]]
    left = [row for row in ended if row["child_key"] not in current]
    assert moved, "re-parentings: an ended period under one parent, the current one under another"
    assert left, "organisations that left their group"


def test_accounts_are_shared_and_settled_centrally(written):
    _, files = written
    holders = defaultdict(list)
    for row in files["accounts"]:
        holders[row["debtor_number"], row["role"]].append(row["organisation_key"])
    kinds = {row["key"]: row["kind"] for row in files["organisations"]}
    statuses = {row["key"]: row["status"] for row in files["organisations"]}

    shared = {number for (number, role), keys in holders.items() if role == "sold_to" and len(keys) >= 2}
    payers = {number: keys[0] for (number, role), keys in holders.items() if role == "payer"}
    assert shared and all(kinds[key] == "branch" for number in shared for key in holders[number, "sold_to"])
    assert all(row["organisation_key"] for row in files["revenue"] if row["debtor_number"] in shared)
    settled = [row for row in files["revenue"] if row["debtor_number"] in payers]
    assert settled and all(row["organisation_key"] != payers[row["debtor_number"]] for row in settled)
    assert all(kinds[payer] in ("association", "chain") for payer in payers.values())
    booked = {row["organisation_key"] or holders[row["debtor_number"], "sold_to"][0] for row in files["revenue"]}
    assert {statuses[key] for key in booked} == {"customer"}, "prospects and leads book nothing"
    assert {row["period"] for row in files["revenue"]} == {f"2025-{month:02d}" for month in range(1, 13)}
    assert any(row["revenue"].startswith("-") for row in files["revenue"]), "a few credit notes"


def test_people_territories_and_users(written):
    generated, files = written
    companies = [row["key"] for row in files["organisations"] if row["kind"] == "company"]
    employers = defaultdict(list)
    for row in files["employments"]:
        employers[row["contact_key"]].append(row)
    staff = Counter(row["organisation_key"] for row in files["employments"] if not row["until"])

    assert all(1 <= staff[key] <= 4 for key in companies)
    changes = [rows for rows in employers.values() if len(rows) == 2]
    assert changes and all(day(old["until"]) < day(new["since"]) and not new["until"] for old, new in changes), (
        "job changes: an ended employment and a new one"
    )
    roles = Counter(row["role"] for row in files["users"])
    assert roles["admin"] == 1 and roles["analyst"] >= 1 and roles["manager"] >= 1 and roles["rep"] >= 10
    current = {row["user_key"] for row in files["user_territories"] if valid_on(row, generated.as_of)}
    assert generated.reps and set(generated.reps) <= current
    assert any(not valid_on(row, generated.as_of) for row in files["user_territories"]), "expired assignments"
    assert any(valid_on(row, generated.as_of) for row in files["substitutes"])
    territories = {row["key"]: row for row in files["territories"]}
    assert all(territories[row["parent_key"]]["parent_key"] == "" for row in territories.values() if row["parent_key"])
    assert {row["type"] for row in files["relationships"]} <= {row["type"] for row in files["relationship_types"]}


def test_activities_and_opportunities(written):
    generated, files = written
    organisations = len(files["organisations"])
    activities, opportunities = files["activities"], files["opportunities"]
    jobs = defaultdict(list)
    for row in files["employments"]:
        jobs[row["contact_key"]].append(row)

    assert 4 * organisations <= len(activities) <= 6 * organisations
    assert 0.8 * organisations <= len(opportunities) <= 1.2 * organisations
    unattributed = [row for row in activities if not row["organisation_key"]]
    assert unattributed, "activities the loader attributes through the contact's job"
    for row in unattributed:
        (contact,) = row["contact_keys"].split(";")
        working = [job for job in jobs[contact] if valid_on(job, day(row["date"]), first="since", last="until")]
        assert len(working) == 1, row
    open_ones = [row for row in activities if row["status"] == "open"]
    assert open_ones and all(abs((day(row["date"]) - generated.as_of).days) <= 60 for row in open_ones)
    stages = Counter(row["stage"] for row in opportunities if row["status"] == "open")
    assert set(stages) == {"qualification", "analysis", "proposal", "negotiation", "commitment"}
    assert all(row["closed_on"] and not row["stage"] for row in opportunities if row["status"] != "open")


async def test_every_file_loads_without_a_rejection(store, snapshots, tmp_path):
    generated = generate(tmp_path, organisations=SIZE, seed=11)

    report = await loading.load_paths(store, [tmp_path])

    assert [(rejection.file, rejection.line, rejection.reason) for rejection in report.rejections] == []
    assert report.ok
    assert {file.kind: file.created for file in report.files} == generated.files
    for root, size in generated.sizes.items():
        assert len(await chains.subtree_keys(store, snapshots=snapshots, key=root, as_of=generated.as_of)) == size


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisations=st.integers(1, 700), seed=st.integers(0, 2**32))
def test_any_size_and_seed_keeps_the_rules(tmp_path_factory, organisations, seed):
    directory = tmp_path_factory.mktemp("any")

    generated = generate(directory, organisations=organisations, seed=seed)

    files = read_files(directory)
    assert len(files["organisations"]) == organisations
    check_rules(files, generated.as_of)
    sizes, _ = groups_on(files, generated.as_of)
    assert {root: sizes[root] for root in generated.sizes} == generated.sizes
    assert sum(sizes.values()) == organisations


def crmgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )


def test_the_command_writes_what_the_function_writes(tmp_path):
    result = crmgraph("seed", "generate", "--organisations", "300", "--seed", "5", "--out", str(tmp_path / "cli"))
    generate(tmp_path / "python", organisations=300, seed=5)

    assert result.returncode == 0, result.stderr
    for kind in KINDS:
        assert f"{kind}.csv: " in result.stdout
        assert (tmp_path / "cli" / f"{kind}.csv").read_bytes() == (tmp_path / "python" / f"{kind}.csv").read_bytes()
    assert "huge groups: ORG-" in result.stdout
    assert result.stdout.rstrip().endswith("rows/s")


@pytest.mark.parametrize("command", [["seed"], ["seed", "generate"]], ids=" ".join)
def test_the_command_has_help(command):
    result = crmgraph(*command, "--help")

    assert result.returncode == 0 and "Usage: " in result.stdout


def test_the_command_refuses_no_organisations(tmp_path):
    result = crmgraph("seed", "generate", "--organisations", "0", "--out", str(tmp_path))

    assert result.returncode == 2 and "--organisations" in result.stderr
