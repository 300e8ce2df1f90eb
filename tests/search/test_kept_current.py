"""A search after a write: never waiting for the index to be built again, never showing what was deleted."""

import asyncio
import threading
import time

from graph import auth, duplicates, search, search_index, structure
from graph.settings import Inheritance
from graph.visibility import Viewer
from tests.calendar import day
from tests.helpers import add_users, load_rows

ADMIN = Viewer("admin", "admin", Inheritance.DOWN, today=day(8))


async def found(store, search_indexes, q: str, limit: int = 50) -> list[list[str]]:
    """Return the keys of every page of the search for `q`."""
    pages, cursor = [], None
    while True:
        page = await search.organisations(
            store, indexes=search_indexes, q=q, country=None, viewer=ADMIN, cursor=cursor, limit=limit
        )
        pages.append([hit.key for hit in page.items])
        if (cursor := page.next_cursor) is None:
            return pages


async def organisations(store, directory, **names: str) -> None:
    await load_rows(store, directory, "organisations", [{"key": key, "name": name} for key, name in names.items()])


async def test_searches_after_a_write_answer_from_the_index_before_until_the_new_one_is_built(
    store, search_indexes, tmp_path, monkeypatch
):
    await add_users(store, tmp_path / "users", admin="admin")
    await organisations(store, tmp_path / "1", A="Alpha Holding", B="Alpha Bau")
    await search_indexes.current()
    release, real = threading.Event(), search_index.build_index

    def slow_build(*args):
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(search_index, "build_index", slow_build)
    await organisations(store, tmp_path / "2", C="Alpha Neu")
    await duplicates.merge(store, survivor="A", duplicate="B")

    started = time.perf_counter()
    while_building = [await found(store, search_indexes, "alpha") for _ in range(3)]
    waited = time.perf_counter() - started
    release.set()
    await search_indexes.current()
    rebuilt = await found(store, search_indexes, "alpha")

    assert while_building == [[["A"]]] * 3 and waited < 5
    assert rebuilt == [["A", "C"]]


async def test_an_organisation_deleted_after_the_snapshot_was_read_is_replaced_on_its_page(
    store, snapshots, search_indexes, tmp_path, monkeypatch
):
    await add_users(store, tmp_path / "users", admin="admin")
    await organisations(store, tmp_path / "1", A="Alpha 1", B="Alpha 2", C="Alpha 3")
    await search_indexes.current()
    before = await snapshots.current()
    await duplicates.merge(store, survivor="A", duplicate="B")

    async def read_before_the_write():
        return before

    monkeypatch.setattr(snapshots, "current", read_before_the_write)

    assert await found(store, search_indexes, "alpha", limit=1) == [["A"], ["C"]]
    assert await found(store, search_indexes, "alpha", limit=2) == [["A", "C"]]


async def test_kept_current_builds_the_index_of_each_new_snapshot_without_a_search(
    store, snapshots, search_indexes, tmp_path
):
    await organisations(store, tmp_path / "1", A="Alpha")

    async with (
        snapshots.kept_current(poll_seconds=0.02, quiet_seconds=0.05),
        search_indexes.kept_current(poll_seconds=0.02),
    ):
        first = await indexed(store, search_indexes)
        await organisations(store, tmp_path / "2", B="Beta")
        second = await indexed(store, search_indexes)

    assert (first, second) == (("A",), ("A", "B"))


async def test_a_write_that_changes_no_text_keeps_the_index_and_a_new_name_builds_it_again(
    store, search_indexes, tmp_path, monkeypatch
):
    await add_users(store, tmp_path / "users", admin="admin")
    await organisations(store, tmp_path / "1", A="Alpha Holding", B="Beta Bau")
    await search_indexes.current()
    builds, real = [], search_index.build_index

    def counted_build(*args):
        builds.append(args)
        return real(*args)

    monkeypatch.setattr(search_index, "build_index", counted_build)
    await auth.create_key(store, user_key="admin")  # a write: a new snapshot, the same texts
    kept = await search_indexes.current()
    same_texts = (len(builds), kept.token == await store.revision(), await found(store, search_indexes, "alpha"))
    await organisations(store, tmp_path / "2", B="Alpha Bau")
    await search_indexes.current()

    assert same_texts == (0, True, [["A"]])
    assert (len(builds), await found(store, search_indexes, "alpha")) == (1, [["B", "A"]])


async def indexed(store, search_indexes) -> tuple[str, ...]:
    """Wait until the index last built is of the graph as it is now; return its keys."""
    for _ in range(500):
        index = search_indexes.held()
        if index and index.token == await store.revision():
            return tuple(index.keys[i] for i in index.order)
        await asyncio.sleep(0.02)
    return ()


async def test_a_write_of_links_only_keeps_the_index_without_reading_every_name(store, search_indexes, tmp_path):
    await organisations(store, tmp_path / "1", A="Alpha Holding", B="Alpha Bau")
    built = await search_indexes.current()
    texts_read = 0
    real_read = store.read

    async def counting_read(query, params=None, **kwargs):
        nonlocal texts_read
        texts_read += query is search_index.FIND_ORGANISATION_TEXTS
        return await real_read(query, params, **kwargs)

    store.read = counting_read
    await structure.set_parent(store, child="B", parent="A", kind="legal", valid_from=day(1))
    kept = await search_indexes.current()
    await organisations(store, tmp_path / "2", B="Beta Bau")
    renamed = await search_indexes.current()

    assert kept.token != built.token and kept.names == built.names
    assert texts_read == 1  # the rename only, not the parent link
    assert await found(store, search_indexes, "beta") == [["B"]]
    assert renamed.token != kept.token
