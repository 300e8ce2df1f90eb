"""A load that writes makes sure of the schema first: a first load into a new graph looks its keys up by index."""

import asyncio

import pytest

from graph import loading
from graph.store.opening import open_store
from tests.loading.helpers import write


@pytest.fixture
async def bare_store(falkordb_settings):
    """A store on a graph that holds nothing, not even the schema's constraints and indexes."""
    settings = falkordb_settings.model_copy(update={"falkordb_graph": "bare"})
    async with await open_store(settings, start_engine=False) as opened:
        yield opened
        await opened._client.connection.execute_command("GRAPH.DELETE", "bare")


async def test_a_load_creates_the_missing_schema_before_it_writes_and_a_dry_run_does_not(bare_store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\n")

    await loading.load_paths(bare_store, [path], dry_run=True)
    missing_after_dry_run = await bare_store.install_schema()
    await bare_store._client.connection.execute_command("GRAPH.DELETE", "bare")
    report = await loading.load_paths(bare_store, [path])

    assert report.ok and report.created == 1
    assert "unique Organisation.key" in missing_after_dry_run
    assert await bare_store.install_schema() == []  # the load created every constraint and index


async def test_two_processes_making_sure_of_the_schema_at_once_both_succeed(falkordb_settings, bare_store):
    # A CLI load and a server's start may create the same index at once: the second one is not an error.
    other_settings = falkordb_settings.model_copy(update={"falkordb_graph": "bare"})
    async with await open_store(other_settings, start_engine=False) as other:
        first, second = await asyncio.gather(bare_store.install_schema(), other.install_schema())

    assert sorted(first + second) == sorted(set(first + second))  # each created once, by one of them
    assert first or second
    assert await bare_store.install_schema() == []
