"""docs/load-files.md documents every kind with its columns, and its examples are valid rows."""

import re
from pathlib import Path

import pytest

from graph.loading import KINDS
from graph.loading.files import read_rows
from graph.schema import coerce_row

DOC = (Path(__file__).resolve().parents[2] / "docs" / "load-files.md").read_text(encoding="utf-8")


def section(kind_name: str) -> str:
    match = re.search(rf"^### {kind_name}\n(.*?)(?=^##)", DOC + "\n##", flags=re.S | re.M)
    assert match, f"docs/load-files.md has no section '### {kind_name}'"
    return match.group(1)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_column_is_documented_and_required_ones_are_bold(kind):
    documented = re.findall(r"^\| (\*\*)?(\w+)(?:\*\*)? \|", section(kind.name), flags=re.M)

    assert [name for _, name in documented if name != "column"] == list(kind.column_names)
    assert [name for bold, name in documented if bold] == list(kind.required_columns)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_kind_has_a_valid_example(kind, tmp_path):
    example = re.search(r"```csv\n(.*?)```", section(kind.name), flags=re.S)
    assert example, f"the section of {kind.name} has no CSV example"
    path = tmp_path / f"{kind.name}.csv"
    path.write_text(example.group(1), encoding="utf-8")

    rows = list(read_rows(path, kind))

    assert rows and all(row.error is None for row in rows)
    assert [coerce_row(kind.specs, row.values)[1] for row in rows] == [[] for _ in rows]
    for row in rows:
        values = coerce_row(kind.specs, row.values)[0]
        assert [rule(values) for rule in kind.rules] == [None for _ in kind.rules]
