"""Declared against computed ultimate parents: the reason rule alone, the report on the engine, the real extracts."""

import datetime
from pathlib import Path

import pytest

from graph import loading, ultimates
from graph.hierarchy import chains
from graph.loading import gleif
from tests.loading.gleif_files import LARGE, REAL, SMALL
from tests.loading.helpers import write

TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("declared", "chain", "declared_chain", "declarations", "reason"),
    [
        ("TOP", ["A", "B", "TOP"], ["TOP"], {}, None),
        ("TOP", ["A"], ["TOP"], {}, ultimates.NO_PARENT),
        ("B", ["A", "B", "TOP"], ["B", "TOP"], {}, ultimates.DECLARED_HAS_PARENT),
        ("TOP", ["A", "B"], ["TOP"], {"B": "TOP"}, ultimates.CHAIN_STOPS),
        ("TOP", ["A", "OTHER"], ["TOP"], {}, ultimates.OTHER_TOP),
        ("TOP", ["A", "OTHER"], ["TOP"], {"OTHER": "OTHER"}, ultimates.OTHER_TOP),
    ],
)
def test_the_reason_is_the_first_that_holds(declared, chain, declared_chain, declarations, reason):
    assert (
        ultimates.mismatch(declared=declared, chain=chain, declared_chain=declared_chain, declarations=declarations)
        == reason
    )


async def load(store, directory: Path, organisations: str, parents: str) -> None:
    paths = [write(directory, "organisations.csv", organisations), write(directory, "parents.csv", parents)]
    assert (await loading.load_paths(store, paths)).ok


async def test_the_report_lists_each_difference_with_its_reason_and_chain(store, tmp_path):
    await load(
        store,
        tmp_path,
        "key,name,declared_ultimate_key\n"
        "TOP,Top,\nMID,Mid,TOP\nA,Alpha,TOP\nLONE,Lone,TOP\nB,Beta,MID\nC,Gamma,STOPPED\nSTOP,Stop,ELSEWHERE\n"
        "D,Delta,TOP\nOTHER,Other,\n",
        "parent_key,child_key\nTOP,MID\nMID,A\nMID,B\nSTOP,C\nOTHER,D\n",
    )

    page = await ultimates.report(store, as_of=TODAY)

    assert (page.checked, page.total, page.next_cursor) == (7, 5, None)
    assert {(item.key, item.reason, item.root_key, tuple(item.chain)) for item in page.items} == {
        ("B", ultimates.DECLARED_HAS_PARENT, "TOP", ("B", "MID", "TOP")),
        ("C", ultimates.CHAIN_STOPS, "STOP", ("C", "STOP")),
        ("D", ultimates.OTHER_TOP, "OTHER", ("D", "OTHER")),
        ("LONE", ultimates.NO_PARENT, "LONE", ("LONE",)),
        ("STOP", ultimates.NO_PARENT, "STOP", ("STOP",)),
    }
    assert {item.key: item.declared_ultimate_name for item in page.items}["B"] == "Mid"
    first = await ultimates.report(store, as_of=TODAY, limit=2)
    second = await ultimates.report(store, as_of=TODAY, cursor=first.next_cursor, limit=2)
    assert [item.key for item in first.items + second.items] == ["B", "C", "D", "LONE"]


# -- The real extracts ----------------------------------------------------------------------------

needs_real = pytest.mark.skipif(not (LARGE.is_file() and SMALL.is_file()), reason=f"no GLEIF extracts in {REAL}")


def plain_walk() -> tuple[dict[str, str], dict[str, str]]:
    """Return each organisation's root and each declared ultimate parent, from the files' rows alone."""
    found = [row for path in (LARGE, SMALL) for row in gleif.read_file(path).rows]
    parent: dict[str, str] = {}
    declared: dict[str, str] = {}
    for row in found:
        if row.start == row.end or not row.active:
            continue
        if row.type == "IS_DIRECTLY_CONSOLIDATED_BY":
            parent[row.start] = row.end
        elif row.type == "IS_INTERNATIONAL_BRANCH_OF":
            parent.setdefault(row.start, row.end)  # the legal link stands
        elif row.type == gleif.ULTIMATE_TYPE:
            declared[row.start] = row.end

    def root(key: str) -> str:
        seen = {key}
        while key in parent and parent[key] not in seen:
            key = parent[key]
            seen.add(key)
        return key

    keys = {row.start for row in found} | {row.end for row in found}
    return {key: root(key) for key in keys}, declared


@pytest.fixture
async def real(store):
    report = await loading.load_gleif(store, [LARGE, SMALL])
    assert not any(file.error for file in report.files)
    return store


@needs_real
async def test_every_computed_root_of_the_real_extracts_is_the_plain_walks(real):
    roots, _ = plain_walk()

    above = await chains.ancestor_chains(real, keys=sorted(roots), as_of=TODAY)

    computed = {key: above[key][-1].key if above.get(key) else key for key in roots}
    assert {key for key in roots if computed[key] != roots[key]} == set()


@needs_real
async def test_the_report_on_the_real_extracts_lists_exactly_the_differing_entities(real):
    roots, declared = plain_walk()
    expected = {key for key, ultimate in declared.items() if roots.get(key, key) != ultimate}

    page = await ultimates.report(real, as_of=TODAY, limit=10_000)

    assert len(expected) == 159
    assert {item.key for item in page.items} == expected


@needs_real
async def test_the_real_extracts_reload_without_a_change(real):
    again = await loading.load_gleif(real, [LARGE, SMALL])

    assert (again.created, again.updated) == (0, 0)
    assert again.rejected == 25 + 25  # self-managed funds, branch rows repeating the direct consolidator
