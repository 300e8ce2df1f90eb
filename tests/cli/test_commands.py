"""The `crmgraph` command, run as a user runs it: a separate process per call."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from graph.settings import Backend, Settings
from graph.store.embedded import EmbeddedEngine
from graph.store.opening import open_store
from seed.demo import DEMO_DIR
from tests.api.test_activities import ACTIVITIES, COLUMNS, DEMO_WITHOUT_ACTIVITIES
from tests.helpers import load_activities

COMMANDS = [
    [],
    ["serve"],
    ["demo"],
    ["db"],
    ["db", "init"],
    ["db", "start"],
    ["db", "stop"],
    ["db", "status"],
    ["keys"],
    ["keys", "create"],
    ["keys", "revoke"],
    ["load"],
    ["duplicates"],
    ["export"],
    ["tree"],
    ["merge"],
    ["revenue"],
    ["activities"],
    ["groups"],
    ["seed", "demo"],
]


@pytest.fixture
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli")
    yield directory
    EmbeddedEngine(Settings(data_dir=directory)).stop()


def crmgraph(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRMGRAPH_DATA_DIR": str(data_dir), "CRMGRAPH_BACKEND": "falkordb"}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(data_dir, command):
    result = crmgraph(data_dir, *command, "--help")

    assert result.returncode == 0
    assert "Usage: " in result.stdout


def test_db_start_status_stop(data_dir):
    started = crmgraph(data_dir, "db", "start")
    again = crmgraph(data_dir, "db", "start")
    status = crmgraph(data_dir, "db", "status")
    stopped = crmgraph(data_dir, "db", "stop")
    after = crmgraph(data_dir, "db", "status")

    assert started.stdout.startswith("started")
    assert again.stdout.startswith("already running")
    assert "running (pid" in status.stdout and str(data_dir) in status.stdout and "version:  FalkorDB" in status.stdout
    assert stopped.stdout.strip() == "stopped"
    assert "not running" in after.stdout and "KiB" in after.stdout


def test_db_init_is_idempotent(data_dir):
    first = crmgraph(data_dir, "db", "init")
    second = crmgraph(data_dir, "db", "init")

    assert "created unique Organisation.key" in first.stdout
    assert second.stdout.strip() == "schema is up to date"


def test_an_unknown_user_is_one_error_line_and_exit_1(data_dir):
    result = crmgraph(data_dir, "keys", "create", "nobody")

    assert result.returncode == 1
    assert result.stderr.strip() == "error: no user 'nobody'"


def test_keys_create_and_revoke_through_a_running_engine(data_dir, tmp_path):
    (tmp_path / "users.csv").write_text("key,name,role\nana,Ana,rep\n", encoding="utf-8")
    crmgraph(data_dir, "db", "start")

    loaded = crmgraph(data_dir, "load", str(tmp_path / "users.csv"))
    created = crmgraph(data_dir, "keys", "create", "ana")
    revoked = crmgraph(data_dir, "keys", "revoke", "ana")

    assert loaded.returncode == 0, loaded.stderr
    assert created.stdout.startswith("crm_") and len(created.stdout.strip()) > 40
    assert revoked.stdout.strip() == "revoked 1 key(s) of ana"


def test_acknowledged_writes_survive_kill_9(data_dir, tmp_path):
    (tmp_path / "users.csv").write_text("key,name,role\nana,Ana,rep\n", encoding="utf-8")
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(tmp_path / "users.csv"))
    api_key = crmgraph(data_dir, "keys", "create", "ana").stdout.strip()
    time.sleep(1.5)  # appendfsync everysec: acknowledged a second ago means on disk

    engine = EmbeddedEngine(Settings(data_dir=data_dir))
    os.kill(engine.status().pid, signal.SIGKILL)
    time.sleep(0.2)
    restarted = crmgraph(data_dir, "db", "start")
    revoked = crmgraph(data_dir, "keys", "revoke", "ana")

    assert restarted.stdout.startswith("started")
    assert api_key.startswith("crm_")
    assert revoked.stdout.strip() == "revoked 1 key(s) of ana"


def test_duplicates_then_merge_on_the_demo_data(data_dir):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))

    listed = crmgraph(data_dir, "duplicates", "--min-score", "0.3", "--json")
    merged = crmgraph(data_dir, "merge", "ORG-DE-0024", "ORG-DE-0025")
    again = crmgraph(data_dir, "merge", "ORG-DE-0024", "ORG-DE-0025")
    refused = crmgraph(data_dir, "merge", "ORG-DE-0001", "ORG-DE-0002")

    pairs = {(item["a"], item["b"]) for item in json.loads(listed.stdout)}
    assert ("ORG-DE-0024", "ORG-DE-0025") in pairs
    assert merged.stdout.startswith("merged ORG-DE-0025 into ORG-DE-0024")
    assert again.stdout.strip() == "ORG-DE-0025 was already merged into ORG-DE-0024"
    assert refused.returncode == 1 and refused.stderr.startswith("error: cannot merge")


def test_export_writes_every_kind_and_loads_back_unchanged(data_dir, tmp_path):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))

    exported = crmgraph(data_dir, "export", str(tmp_path / "out"))
    reloaded = crmgraph(data_dir, "load", "--json", str(tmp_path / "out"))

    assert exported.returncode == 0, exported.stderr
    assert "organisations.csv: 42 rows" in exported.stdout
    report = json.loads(reloaded.stdout)
    assert reloaded.returncode == 0
    assert sum(file["created"] + file["updated"] for file in report["files"]) == 0


def test_tree_prints_the_group_indented_with_kinds_as_of_a_day(data_dir):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))

    before = crmgraph(data_dir, "tree", "ORG-DE-0011", "--as-of", "2024-03-31").stdout.splitlines()
    after = crmgraph(data_dir, "tree", "ORG-DE-0011", "--as-of", "2025-06-30", "--depth", "1").stdout.splitlines()

    assert before[0].startswith("ORG-DE-0001  ")
    assert "        ORG-DE-0011  Müller Haustechnik GmbH  (legal)  <" in before  # under ORG-DE-0002
    assert "    ORG-DE-0011  Müller Haustechnik GmbH  (legal)  <" in after  # directly under the holding
    assert all(line.startswith("    ") and not line.startswith("        ") for line in after[1:])


def test_revenue_prints_totals_months_members_and_tree_as_aligned_tables(data_dir):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))
    year = ["--from", "2025-01", "--to", "2025-12", "--as-of", "2025-06-30"]

    result = crmgraph(data_dir, "revenue", "ORG-DE-0003", "--scope", "subtree", *year, "--top", "2", "--tree")
    credit = crmgraph(data_dir, "revenue", "ORG-DE-0007", "--from", "2025-02", "--to", "2025-02", "--json")
    unknown = crmgraph(data_dir, "revenue", "NO-SUCH-ORG")
    bad = crmgraph(data_dir, "revenue", "ORG-DE-0003", "--from", "2025-13")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ORG-DE-0003  Müller Baustoffe Bayern GmbH"
    assert "revenue        3,371,921.49  EUR" in lines and "margin                21.04  %" in lines
    months = [line for line in lines if line[:5] == "2025-"]
    assert len(months) == 12 and len({len(line) for line in months}) == 1  # amounts right-aligned
    assert "2025-07  329,615.10     68,414.08  20.76 %" in months
    assert any(line.startswith("   1  ORG-DE-0003  Müller Baustoffe Bayern GmbH") for line in lines)
    assert any(line.startswith("      3 more") and "1,220,490.73" in line for line in lines)  # 0004 + 0006 + 0007
    assert any(line.startswith("        ORG-DE-0007  ") and "157,620.02" in line for line in lines)  # depth 2
    answer = json.loads(credit.stdout)
    assert (answer["revenue"], answer["gross_profit"], answer["currency"]) == (-2380.55, -512.4, "EUR")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: no organisation has the key 'NO-SUCH-ORG'"
    assert bad.returncode == 1 and bad.stderr.startswith("error: from must be a period YYYY-MM")


async def test_activities_prints_the_newest_first_as_a_table_or_the_apis_json(data_dir):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", *map(str, DEMO_WITHOUT_ACTIVITIES))
    async with await open_store(Settings(backend=Backend.FALKORDB, data_dir=data_dir), start_engine=False) as store:
        await load_activities(store, [dict(zip(COLUMNS, row, strict=True)) for row in ACTIVITIES])
    group = ["ORG-DE-0009", "--scope", "group", "--as-of", "2025-06-30"]

    table = crmgraph(data_dir, "activities", *group, "--limit", "2")
    done = crmgraph(data_dir, "activities", *group, "--status", "done", "--type", "note", "--type", "call", "--json")
    none = crmgraph(data_dir, "activities", "ORG-DE-0009", "--from", "2025-07-01")
    unknown = crmgraph(data_dir, "activities", "NO-SUCH-ORG")

    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["date", "type", "status", "organisation", "subject", "with", "owner"]
    assert lines[1].split() == ["2025-12-01", "email", "open", "ORG-DE-0011", "Preisliste", "2026", "thomas.huber"]
    assert lines[2].startswith("2025-06-20  offer  open    ORG-DE-0010   Angebot Lagerflächen  Heike Sommer")
    assert lines[3:] == ["… more: --limit to list more than 2"]
    answer = json.loads(done.stdout)
    assert [item["key"] for item in answer["items"]] == ["A-06", "A-01"] and answer["hidden_count"] == 0
    assert answer["items"][1]["contacts"] == [{"key": "CON-0001", "first_name": "Klaus", "last_name": "Müller"}]
    assert none.stdout == "no activities\n"
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: no organisation has the key 'NO-SUCH-ORG'"


def test_the_demo_dated_today_loads_with_figures_for_the_default_year(data_dir, tmp_path):
    written = crmgraph(data_dir, "seed", "demo", "--out", str(tmp_path / "demo"))
    crmgraph(data_dir, "db", "start")
    loaded = crmgraph(data_dir, "load", str(tmp_path / "demo"))
    table = crmgraph(data_dir, "groups", "--top", "2")
    leap = crmgraph(data_dir, "seed", "demo", "--out", str(tmp_path / "leap"), "--today", "2028-02-29")

    assert written.returncode == loaded.returncode == table.returncode == leap.returncode == 0, table.stderr
    ranked = [" ".join(line.split()) for line in table.stdout.splitlines()[4:6]]
    assert ranked[0].startswith("1 A ORG-DE-0001 Müller Holding GmbH 11 6,599,908.92 ")
    assert ranked[1].startswith("2 A ORG-NL-0001 Van der Berg Groep B.V. 10 3,295,099.22 ")
    assert leap.stdout.strip() == f"{tmp_path / 'leap'}: the demo as of 2028-02-29 (its 2025-12 moved to 2028-02)"
    assert (tmp_path / "leap" / "substitutes.csv").read_text().splitlines()[1:] == [
        "thomas.huber,anna.becker,2027-10-04,2027-10-17",
        "lukas.gruber,thomas.huber,2028-01-17,2028-03-16",
    ]


def test_groups_prints_the_ranking_with_abc_classes(data_dir):
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))
    year = ["--from", "2025-01", "--to", "2025-12", "--as-of", "2025-06-30"]

    table = crmgraph(data_dir, "groups", "--top", "3", *year)
    as_json = crmgraph(data_dir, "groups", *year, "--top", "30", "--json")

    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "23 group(s), 2025-01 to 2025-12, structure as of 2025-06-30"
    assert "   1  A      ORG-DE-0001  Müller Holding GmbH                 11  6,599,908.92" in "\n".join(lines)
    assert [line[6:7] for line in lines[4:7]] == ["A", "A", "B"]
    assert lines[-1] == "… 20 more (--top to list more)"
    answer = json.loads(as_json.stdout)
    assert len(answer["items"]) == answer["group_count"] == 23 and answer["next_cursor"] is None
    assert answer["total_revenue"] == sum(round(group["revenue"] * 100) for group in answer["items"]) / 100


@pytest.mark.parametrize(
    "command", [["territories"], ["territories", "preview"], ["territories", "apply"]], ids=" ".join
)
def test_the_territories_commands_have_help(data_dir, command):
    result = crmgraph(data_dir, *command, "--help")

    assert result.returncode == 0
    assert "Usage: " in result.stdout


def test_territories_preview_prints_the_moves_of_changed_rules_and_changes_nothing(data_dir, tmp_path):
    changed = tmp_path / "territories.csv"
    changed.write_text(
        "key,name,parent_key,countries,postcode_prefixes,postcode_ranges,industries\n"
        "DE-NORTH,Germany North,REGION-CENTRAL,DE,,01000-39999,\n",
        encoding="utf-8",
    )
    crmgraph(data_dir, "db", "start")
    crmgraph(data_dir, "load", str(DEMO_DIR))

    table = crmgraph(data_dir, "territories", "preview", str(changed))
    answer = crmgraph(data_dir, "territories", "preview", str(changed), "--json")
    applied = crmgraph(data_dir, "territories", "apply")
    wrong = crmgraph(data_dir, "territories", "preview", str(DEMO_DIR / "users.csv"))

    assert table.returncode == 0, table.stderr
    assert ["ORG-DE-0040", "DE-NORTH", "-"] in [line.split() for line in table.stdout.splitlines()]
    assert table.stdout.rstrip().endswith("preview: nothing was changed")
    moved = {
        (move["organisation"], tuple(move["from"]), tuple(move["to"])) for move in json.loads(answer.stdout)["moves"]
    }
    assert ("ORG-DE-0040", ("DE-NORTH",), ()) in moved
    # The stored rules still hold: applying them moves nothing.
    assert applied.stdout.startswith("0 organisation(s) moved"), applied.stdout
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: users.csv: a preview takes one territories file")


def test_json_output_is_what_the_standard_library_indents(capsys):
    from cli.main import echo_json

    value = {"moves": [{"organisation": "ORG-1", "from": [], "to": ["T-Süd"]}], "empty": {}, "ok": True, "seconds": 1.5}
    echo_json(value)
    assert capsys.readouterr().out == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
