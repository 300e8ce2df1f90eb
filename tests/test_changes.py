"""The change records every write leaves beside the revision (graph/changes.py): what each write query declares
it touches, what a write records, and how many records the graph keeps."""

import datetime
import importlib
import pkgutil
import re

import pytest

import graph
from graph import changes, loading, structure
from graph.queries import ALL_QUERIES, DECLARED, Touches
from graph.store import End, Insertion

# Writes that may change anything the snapshot holds: a reader reads the whole graph again after them.
CHANGE_ANYTHING = {
    "admin/delete_batch",
    "admin/move_legacy_bookings",
    "admin/set_day_numbers",
    "admin/set_key_day_numbers",
    "changes/record_change",
}
WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b")


def _writes() -> list[str]:
    for module in pkgutil.walk_packages(graph.__path__, "graph."):
        importlib.import_module(module.name)
    found = []
    for name, query in ALL_QUERIES.items():
        code = "\n".join(
            line for text in query.texts.values() for line in text.splitlines() if not line.lstrip().startswith("//")
        )
        if WRITE_CLAUSE.search(code):
            found.append(name)
    return sorted(found)


@pytest.mark.parametrize("name", _writes())
def test_every_write_query_declares_what_it_touches(name):
    declared = DECLARED[name]
    if name in CHANGE_ANYTHING:
        assert declared.touches is None
    else:
        assert declared.touches is not None, f"{name}: declare(…, touches=…) what it changes of the snapshot"


def test_a_write_names_the_organisations_its_parameters_hold():
    query = ALL_QUERIES["loading/upsert_parents"]
    query = type(query)(query.name, query.texts, touches=Touches(organisations=("rows.parent_key", "rows.child_key")))

    changed = changes.of_write(query, {"rows": [{"parent_key": "A", "child_key": "B"}, {"parent_key": "A"}]})

    assert changed == changes.Changes(frozenset({"A", "B"}))
    assert changes.of_write(ALL_QUERIES["admin/delete_batch"], {}) == changes.EVERYTHING


def test_a_plain_parameter_names_an_organisation_too():
    query = DECLARED["duplicates/merge_organisations"]

    changed = changes.of_write(query, {"survivor": "S", "duplicate": "D"})

    assert changed.organisations == changed.children_of == {"S", "D"}
    assert changed.properties and not changed.everything


def test_a_bulk_insert_names_the_organisations_of_its_rows():
    organisation = End("Organisation", "key")
    parents = Insertion("PARENT_OF", ("valid_from",), None, organisation, organisation)
    employments = Insertion("WORKS_AT", (), None, End("Contact", "key"), organisation)
    organisations = Insertion("Organisation", ("key", "name"), None)

    assert changes.of_insertion(parents, [("A", "B", 1)]).organisations == {"B"}  # a link is named by its child
    assert changes.of_insertion(employments, [("C1", "A")]) == changes.Changes()
    assert changes.of_insertion(organisations, [("A", "Alpha")]).organisations == {"A"}
    assert changes.of_insertion(Insertion("Territory", ("key",), None), [("T",)]).territories


def test_a_write_naming_more_than_a_record_holds_records_everything(monkeypatch):
    monkeypatch.setattr(changes, "KEYS_RECORDED", 2)

    params = changes.Changes(frozenset({"A", "B", "C"})).params()

    assert params["everything"] and params["organisations"] == []


async def _organisations(store, *keys):
    report = await loading.load_records(store, "organisations", [{"key": key, "name": key} for key in keys])
    assert report.to_dict()["outcome"] == "loaded", report.to_dict()


async def test_each_write_records_what_it_changed_in_order(store):
    await _organisations(store, "A", "B")
    before = await changes.position(store)

    await structure.set_parent(store, child="B", parent="A", kind="legal", valid_from=datetime.date(1901, 1, 1))

    (record,) = await changes.records_since(store, before.sequence)
    after = await changes.position(store)
    assert (record.sequence, record.previous, record.token) == (before.sequence + 1, before.token, after.token)
    assert record.changes == changes.Changes(frozenset({"B"}))


async def test_the_graph_keeps_the_last_records_only(store, monkeypatch):
    monkeypatch.setattr(changes, "CHANGES_KEPT", 3)
    for key in ("A", "B", "C", "D", "E"):
        await _organisations(store, key)

    records = await changes.records_since(store, 0)

    last = (await changes.position(store)).sequence
    assert [record.sequence for record in records] == [last - 2, last - 1, last]
