"""The what-if preview of a territories file: its moves and conflicts, by service, API and nothing changed."""

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph import auth, loading, territories
from graph.errors import InvalidInput
from graph.loading import export
from tests.helpers import add_users
from tests.territories.helpers import conflicts, links, load, moves, org, territory

ORGANISATIONS = [
    org("O-HH", "DE", "20457"),
    org("O-M", "DE", "80331"),
    org("O-B", "DE", "10115", "Healthcare"),
    org("O-NL", "NL", "1011"),
]
TERRITORIES = [
    territory("NORTH", countries="DE", postcode_ranges="10000-29999"),
    territory("SOUTH", countries="DE", postcode_prefixes="8;9"),
    territory("HEALTH", industries="Healthcare"),
]


def write_territories(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


async def snapshot(store, directory: Path) -> dict[str, str]:
    """Return every load file the graph exports, by name: the whole stored graph as text."""
    await export.export_to(store, directory)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.iterdir())}


@pytest.fixture
async def assigned(store, tmp_path):
    """Organisations and territories loaded with their rule links applied, and O-NL put into NORTH by hand."""
    await load(
        store, tmp_path / "data", territories=TERRITORIES, organisations=ORGANISATIONS, manual=[("O-NL", "NORTH")]
    )
    await territories.apply(store)
    return store


async def test_changed_rules_show_who_moves_from_where_to_where_and_change_nothing(assigned, tmp_path):
    before = await snapshot(assigned, tmp_path / "before")
    changed = write_territories(
        tmp_path / "territories.csv",
        [
            territory("NORTH", countries="DE", postcode_ranges="10000-19999"),
            territory("SOUTH", countries="DE", postcode_prefixes="2;8;9"),
            territory("EAST", countries="DE", postcode_prefixes="1"),
        ],
    )

    report = await loading.preview_territories(assigned, path=changed)

    assert moves(report.assignments) == {
        ("O-HH", ("NORTH",), ("SOUTH",)),
        ("O-B", ("HEALTH", "NORTH"), ("EAST", "HEALTH", "NORTH")),
    }
    assert conflicts(report.assignments) == {("O-B", ("EAST", "HEALTH", "NORTH"))}
    assert (report.created, report.updated, report.unchanged, report.rejected) == (1, 2, 0, 0)
    assert await snapshot(assigned, tmp_path / "after") == before


async def test_a_file_that_changes_no_rule_previews_the_stored_rules(assigned, tmp_path):
    same = write_territories(tmp_path / "territories.csv", TERRITORIES)

    report = await loading.preview_territories(assigned, path=same)

    assert report.unchanged == 3 and moves(report.assignments) == set()
    assert conflicts(report.assignments) == {("O-B", ("HEALTH", "NORTH"))}


async def test_a_rejected_row_is_reported_and_proposes_nothing(assigned, tmp_path):
    rows = [
        territory("NORTH", countries="DE", postcode_ranges="10000"),
        territory("SOUTH", countries="DE", postcode_prefixes="2;8;9"),
    ]
    links_before = await links(assigned)

    report = await loading.preview_territories(assigned, path=write_territories(tmp_path / "territories.csv", rows))

    assert report.rejected == 1 and report.rejections[0].line == 2
    # NORTH keeps its stored rule: O-HH matches SOUTH too now, and is in conflict rather than moved away.
    assert moves(report.assignments) == {("O-HH", ("NORTH",), ("NORTH", "SOUTH"))}
    assert await links(assigned) == links_before


@pytest.mark.parametrize("name", ["organisations.csv", "rules.csv"])
async def test_only_a_territories_file_is_previewed(store, tmp_path, name):
    path = tmp_path / name
    path.write_text("key,name\nA,A\n", encoding="utf-8")

    with pytest.raises(InvalidInput):
        await loading.preview_territories(store, path=path)


async def test_a_bad_header_is_refused_whole(store, tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text("key,name,colour\nA,A,red\n", encoding="utf-8")

    with pytest.raises(InvalidInput, match="colour"):
        await loading.preview_territories(store, path=path)


async def test_the_api_answers_moves_and_conflicts_for_analysts_and_admins_only(assigned, settings, tmp_path):
    await add_users(assigned, tmp_path / "users", lena="analyst", root="admin", rick="rep")
    body = "key,name,countries,postcode_prefixes\nSOUTH,South,DE,2;8;9\n"
    before = await snapshot(assigned, tmp_path / "before")
    keys = {user: await auth.create_key(assigned, user_key=user) for user in ("lena", "root", "rick")}

    with TestClient(create_app(settings)) as client:

        def post(user, content_type="text/csv", content=body):
            headers = {"Authorization": f"Bearer {keys[user]}", "Content-Type": content_type}
            return client.post("/v1/territories/preview", content=content, headers=headers)

        analyst, admin, rep = post("lena"), post("root"), post("rick")
        as_json_lines = post(
            "root",
            "application/x-ndjson",
            '{"key": "SOUTH", "name": "South", "countries": ["DE"], "postcode_prefixes": null}\n',
        )
        unsupported = post("root", "application/json")

    assert analyst.status_code == admin.status_code == 200, analyst.text
    answer = admin.json()
    assert answer["moves"] == [{"organisation": "O-HH", "from": ["NORTH"], "to": ["NORTH", "SOUTH"]}]
    assert {"organisation": "O-HH", "territories": ["NORTH", "SOUTH"]} in answer["conflicts"]
    assert (answer["file"], answer["updated"], answer["added"], answer["removed"]) == ("territories.csv", 1, 1, 0)
    assert rep.status_code == 403
    # Without prefixes SOUTH matches every German organisation: O-B, O-HH and O-M (which it has).
    assert {move["organisation"] for move in as_json_lines.json()["moves"]} == {"O-B", "O-HH"}
    assert unsupported.status_code == 415
    assert await snapshot(assigned, tmp_path / "after") == before
