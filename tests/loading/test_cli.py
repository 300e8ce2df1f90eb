"""`crmgraph load`: the report as text and JSON, --dry-run, --strict, exit codes, progress on a terminal."""

import json
import os
import pty
import subprocess

from graph.settings import Backend, Settings
from tests.loading.cli import command, crmgraph, environment
from tests.loading.helpers import keys, write
from tests.loading.periods import END, PERIOD_KINDS, START, write_base


def test_a_clean_load_exits_0_and_reports_each_file_and_the_throughput(settings, store, tmp_path):
    write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\nORG-B,Beta\n")
    write(tmp_path, "contacts.csv", "key,last_name\nCON-1,Meier\n")

    result = crmgraph(settings, "load", str(tmp_path))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"{tmp_path / 'organisations.csv'}: 2 created, 0 updated, 0 unchanged, 0 rejected",
        f"{tmp_path / 'contacts.csv'}: 1 created, 0 updated, 0 unchanged, 0 rejected",
    ]
    assert lines[2].startswith("3 rows in ") and lines[2].endswith(" rows/s")
    assert result.stderr == ""  # not a terminal: no progress line


def test_rejected_rows_exit_1_with_file_line_field_and_reason(settings, store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name,kind\nORG-A,Alpha,\nORG-B,Beta,factory\n")

    result = crmgraph(settings, "load", str(path))

    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"{path}: 1 created, 0 updated, 0 unchanged, 1 rejected",
        f"  {path}:3: kind: unknown value 'factory'; expected one of company, branch, household, association, chain",
    ]


async def test_links_that_end_before_they_start_exit_1_with_file_line_field_and_reason(settings, store, tmp_path):
    write_base(tmp_path)
    paths = {period: write(tmp_path, f"{period.kind}.csv", period.file(START, END)) for period in PERIOD_KINDS}

    result = crmgraph(settings, "load", str(tmp_path))

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for period, path in paths.items():
        assert f"{path}: 0 created, 0 updated, 0 unchanged, 1 rejected" in lines
        assert f"  {path}:2: {period.end}: {period.backwards_reason()}" in lines
        assert await period.stored(store) == set()


def test_the_json_report_is_one_document(settings, store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\nORG-A,Other\n")

    result = crmgraph(settings, "load", "--json", str(path))

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert (report["dry_run"], report["strict"], report["ok"]) == (False, False, False)
    assert report["totals"]["rows"] == 2 and report["totals"]["created"] == 1
    (file,) = report["files"]
    assert (file["file"], file["kind"], file["outcome"]) == (str(path), "organisations", "loaded")
    assert file["rejections"] == [
        {
            "file": str(path),
            "line": 3,
            "field": "key",
            "reason": "key 'ORG-A' is already on line 2, with different values",
        }
    ]


async def test_a_dry_run_writes_nothing_and_says_so(settings, store, tmp_path):
    write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\n")
    write(tmp_path, "parents.csv", "parent_key,child_key\nORG-A,ORG-B\n")

    result = crmgraph(settings, "load", "--dry-run", "--json", str(tmp_path))

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["dry_run"] is True
    assert [(file["kind"], file["created"], file["rejected"]) for file in report["files"]] == [
        ("organisations", 1, 0),
        ("parents", 0, 1),
    ]
    assert await keys(store, "Organisation") == set()


async def test_strict_refuses_a_file_with_a_rejected_row(settings, store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\nORG-B,\n")

    result = crmgraph(settings, "load", "--strict", str(path))

    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"{path}: refused (--strict): 1 rejected, 1 not written"
    assert await keys(store, "Organisation") == set()


def test_a_file_that_names_no_kind_exits_2_before_anything_is_loaded(settings, store, tmp_path):
    write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\n")
    write(tmp_path, "customers.csv", "key,name\nC-1,Someone\n")

    result = crmgraph(settings, "load", str(tmp_path))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "unknown kind 'customers'" in result.stderr


def test_a_missing_path_exits_2(settings, store, tmp_path):
    result = crmgraph(settings, "load", str(tmp_path / "nowhere.csv"))

    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_an_unavailable_engine_exits_2(tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\n")
    unreachable = Settings(backend=Backend.NEO4J, neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")

    result = crmgraph(unreachable, "load", str(path))

    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:1")


def test_a_terminal_shows_a_progress_line_on_stderr(settings, store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(30)))
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            command("load", "--batch-size", "10", str(path)),
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            env=environment(settings),
            timeout=120,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: everything is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)

    assert result.returncode == 0
    assert b"\rloading organisations.csv [" in shown and b"100%  30 rows" in shown
    assert shown.endswith(b"\r")  # the line is cleared before the report
    assert "30 rows in " in result.stdout


def test_territory_rules_applied_on_load_are_summed_up_with_their_conflicts(settings, store, tmp_path):
    write(tmp_path, "organisations.csv", "key,name,country,industry\nORG-A,Alpha,DE,health\nORG-B,Beta,NL,retail\n")
    write(tmp_path, "territories.csv", "key,name,countries,industries\nDE-ALL,Germany,DE,\nHEALTH,Health,,health\n")

    result = crmgraph(settings, "load", str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "  territory rules: 2 assigned, 0 removed, 1 conflicts" in result.stdout.splitlines()
    assert "    conflict: ORG-A matches DE-ALL, HEALTH" in result.stdout.splitlines()
