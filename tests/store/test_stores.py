"""The store interface on each engine: plain rows, dates, errors."""

import datetime
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import ConfigurationError, EngineUnavailable, QueryError
from graph.queries import ALL_QUERIES, Query
from graph.settings import Backend, Settings
from graph.store import to_cypher_params
from graph.store.opening import open_store
from tests.helpers import load_rows


def test_dates_reach_cypher_as_day_numbers_at_any_depth():
    params = {"day": datetime.date(2024, 2, 29), "rows": [{"from": datetime.date(1, 1, 1), "n": 1}]}

    assert to_cypher_params(params) == {"day": 738945, "rows": [{"from": 1, "n": 1}]}


async def test_rows_are_plain_python_values(store, tmp_path):
    await load_rows(store, tmp_path, "users", [{"key": "ana", "name": "Ana", "role": "rep"}])

    rows = await store.read(ALL_QUERIES["auth/find_user"], {"key": "ana"})

    assert rows == [{"key": "ana", "name": "Ana", "role": "rep"}]


async def test_every_write_gives_a_new_revision_and_reads_keep_it(store, tmp_path):
    before = await store.revision()
    await load_rows(store, tmp_path, "users", [{"key": "ana", "name": "Ana", "role": "rep"}])
    after_load = await store.revision()
    await store.read(ALL_QUERIES["auth/find_user"], {"key": "ana"})
    after_read = await store.revision()
    await store.write(Query("test/touch", dict.fromkeys(("falkordb", "neo4j"), "MATCH (u:User) SET u.name = 'Ana'")))
    after_write = await store.revision()

    assert after_load not in (None, before)
    assert after_read == after_load
    assert after_write not in (None, after_load)


async def test_read_columns_gives_lists_by_column_and_refuses_lists_of_different_lengths(store, tmp_path):
    def query(text: str) -> Query:
        return Query("test/columns", dict.fromkeys(("falkordb", "neo4j"), text))

    assert await store.read_columns(query("MATCH (n:Nothing) RETURN collect(n.key) AS keys")) in ({}, {"keys": []})
    await load_rows(store, tmp_path, "users", [{"key": "ana", "name": "Ana", "role": "rep"}])

    text = "RETURN ['a', 'b.c', '2024-01-31'] AS keys, [-1, 0, 12345678901] AS n"
    found = await store.read_columns(query(text), integers=("n",))

    assert found["keys"] == ["a", "b.c", "2024-01-31"]
    assert found["n"].dtype == np.int64 and found["n"].tolist() == [-1, 0, 12345678901]
    assert await store.read_columns(query("RETURN [] AS keys")) == {"keys": []}
    assert (await store.read_columns(query("RETURN [] AS n"), integers=("n",)))["n"].tolist() == []
    with pytest.raises(QueryError, match="different lengths"):
        await store.read_columns(query("RETURN ['a', 'b'] AS keys, [1] AS n"))


async def test_a_failing_write_still_answers_with_its_error(store):
    broken = Query("test/broken_write", dict.fromkeys(("falkordb", "neo4j"), "CREATE (n:Nothing {a: 1 / 0})"))

    with pytest.raises(QueryError, match="test/broken_write"):
        await store.write(broken)


async def test_a_failing_query_raises_query_error_naming_the_query(store):
    text = "RETURN nonexistent_function(1)"
    broken = Query("test/broken", {"falkordb": text, "neo4j": text})

    with pytest.raises(QueryError, match="test/broken"):
        await store.read(broken)


async def test_a_write_through_the_read_path_is_refused(store):
    write = Query("test/write", {"falkordb": "CREATE (:Nothing)", "neo4j": "CREATE (:Nothing)"})

    with pytest.raises(QueryError):
        await store.read(write)


async def test_neo4j_without_uri_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="CRMGRAPH_NEO4J_URI"):
        await open_store(Settings(backend=Backend.NEO4J, neo4j_uri=None))


async def test_unreachable_neo4j_is_one_clear_error():
    settings = Settings(backend=Backend.NEO4J, neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x")

    with pytest.raises(EngineUnavailable, match="cannot reach Neo4j at bolt://127.0.0.1:9"):
        await open_store(settings)


async def test_a_stopped_embedded_engine_is_not_started_when_asked_not_to(tmp_path):
    with pytest.raises(EngineUnavailable, match="crmgraph db start"):
        await open_store(Settings(data_dir=tmp_path / "d"), start_engine=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    # FalkorDB answers doubles with 15 significant digits: amounts are integer cents for that reason.
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda number: float(f"{number:.15g}") == number)
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), inner, max_size=4)
    ),
    max_leaves=12,
)
ECHO = Query("test/echo", {"falkordb": "RETURN $value AS value", "neo4j": "RETURN $value AS value"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
async def test_every_parameter_value_reaches_the_engine_unchanged(store, value):
    rows = await store.read(ECHO, {"value": value})

    assert rows == [{"value": value}]


async def test_date_parameters_arrive_as_day_numbers(store):
    rows = await store.read(ECHO, {"value": {"day": datetime.date(2024, 2, 29)}})

    assert rows == [{"value": {"day": 738945}}]


@pytest.mark.parametrize(
    "days", [("0001-01-01", "9999-12-31"), ("1928-09-30", "2026-12-07"), ("2000-01-01", "2068-02-01")]
)
async def test_days_centuries_apart_compare_right_and_come_back_as_dates(store, days):
    # FalkorDB's own dates answered false for each of these pairs (graph/days.py).
    early, late = (datetime.date.fromisoformat(day) for day in days)
    compare = Query(
        "test/compare_days", dict.fromkeys(("falkordb", "neo4j"), "RETURN $early <= $late AS ordered, $early AS early")
    )

    rows = await store.read(replace(compare, days=("early",)), {"early": early, "late": late})

    assert rows == [{"ordered": True, "early": early}]


async def test_map_keys_that_are_not_names_and_quotes_before_colons_arrive_unchanged(store):
    value = {"a-b": 1, "x y": 'said "k":', "nested": [{"k\\": "\\u0041"}], "c": "\x01"}

    assert await store.read(ECHO, {"value": value}) == [{"value": value}]
