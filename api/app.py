"""The FastAPI application factory."""

import ctypes
import datetime
import gc
import sys
from collections.abc import Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

import explorer
from api import docs, problems
from api.deps import get_caller
from api.routes import (
    access,
    activities,
    connections,
    contacts,
    duplicates,
    health,
    imports,
    organisations,
    revenue,
    structure,
    territories,
    ultimates,
    users,
)
from graph.search_index import SearchIndexes
from graph.settings import Settings, get_settings
from graph.snapshots import Snapshots
from graph.store.opening import open_store

API_PREFIX = "/v1"
# glibc's mallopt parameters, and what the server sets them to (`_reuse_freed_memory`).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
ARRAYS_FROM_THE_HEAP_BYTES = 32 * 2**20
FREE_MEMORY_KEPT_BYTES = 256 * 2**20


def _reuse_freed_memory() -> None:
    """Let the arrays a follow makes reuse the memory of those freed before, instead of fresh pages of the OS.

    Following a write copies arrays of a million entries (8 MB each at a million organisations). glibc gives each
    from new pages and returns them when freed, and faulting the pages in cost as much as copying: moving one
    subtree within a day's structure took 18.5 ms, 8.5 ms with arrays up to 32 MB taken from the heap and up to
    256 MB of freed memory kept for the next (docs/production.md, "Memory").
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl): its allocator has no such knobs
        return
    libc.mallopt(M_MMAP_THRESHOLD, ARRAYS_FROM_THE_HEAP_BYTES)
    libc.mallopt(M_TRIM_THRESHOLD, FREE_MEMORY_KEPT_BYTES)


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime.date] = datetime.date.today
) -> FastAPI:
    """Return the API application; its lifespan opens the store, keeps its snapshot and search index current and
    closes it again.

    `clock` gives the day of a request (the server's time zone), whose rights decide what a caller sees; tests
    give a fixed one, and may set `app.state.clock` later.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        _reuse_freed_memory()
        async with await open_store(settings) as store:
            snapshots = Snapshots(store)
            search_indexes = SearchIndexes(snapshots)
            async with snapshots.kept_current(), search_indexes.kept_current():
                app.state.store = store
                app.state.snapshots = snapshots
                app.state.search_indexes = search_indexes
                # What the imports and the set-up made lives as long as the process: out of the garbage collector's
                # full collections, which otherwise scan it all and hold up the requests in flight (W6's p99).
                gc.freeze()
                yield

    app = FastAPI(
        title="crmgraph",
        summary="Corporate groups, group revenue and visibility of B2B customer data, from a graph.",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's pages load their files from CDNs: api/docs.py serves the same pages with local copies.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    problems.install(app)
    docs.install(app)
    app.include_router(health.router, prefix=API_PREFIX, responses=problems.responses(503))
    # Every route below needs an API key: authentication is applied here, not per route, and so are the answers
    # every one of them can give (no key, `X-Act-As` refused, a bad parameter, the engine away).
    authenticated = [Depends(get_caller)]
    answers = problems.responses(401, 403, 422, 503)
    app.include_router(users.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(duplicates.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(imports.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(organisations.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(structure.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(connections.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(contacts.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(activities.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(revenue.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(territories.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(access.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    app.include_router(ultimates.router, prefix=API_PREFIX, dependencies=authenticated, responses=answers)
    # After every API route: the page at `/` and its files under `/explorer/`, a client of the routes above.
    explorer.install(app)
    return app
