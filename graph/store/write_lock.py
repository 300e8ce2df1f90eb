"""The write lock of a store: checks against the stored graph and the write they allow, one writer at a time.

A write that checks a rule against the stored graph (one parent per day, no cycle) reads, decides and then
writes, in separate queries. Two writers at once could each pass the checks without seeing the other's
write, and together store what either alone would refuse (two parents for one child). So every such
write (:mod:`graph.structure`'s changes, the hierarchy batches of a load) holds its store's write lock
from the check to the end of the write.

The lock has two levels:

- within a process, an :class:`asyncio.Lock`: the API's requests and a load's batches on one event loop;
- across processes, for the embedded engine, an advisory `flock` on a file in the data directory
  (`.write-<graph>.lock`, :func:`file_locked`): every API worker, CLI load and import on the same data
  directory and graph takes it. The kernel releases it when its holder dies, so a killed load leaves no
  stale lock behind. `flock` blocks, so it is taken in a worker thread, after the process's own lock: at
  most one thread per process waits on it;
- across processes, for Neo4j, the write lock of the one `Lock` node, held by a transaction of its own that
  stays open while the body runs and is rolled back after it (graph/store/neo4j.py): Neo4j keeps a node's
  write lock until the transaction that took it ends, so every other process's transaction that sets that
  node waits. A crashed holder's transaction ends with its connection.

The lock is reentrant within a task (and the tasks it starts): a structure change holds it and then loads
its records through the loader, which asks again.
"""

import asyncio
import contextlib
import contextvars
import fcntl
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

# The locks the running task (or the task that started it) holds: asking again for one of them is granted.
_HELD: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar("held_write_locks", default=frozenset())


# What keeps the writers of other processes out while the body runs: an async context manager.
Across = Callable[[], contextlib.AbstractAsyncContextManager[None]]


class WriteLock:
    """Serialises the checked writes to one graph: within the process, and across processes by `across`."""

    def __init__(self, across: Across | None = None):
        """Make the lock; with `across` (a lock file, a lock node), other processes' writers are kept out too."""
        self._across = across
        self._local = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold the lock for the body; a task that holds it already goes on at once."""
        held = _HELD.get()
        if id(self) in held:
            yield
            return
        async with self._local, self._across() if self._across else contextlib.nullcontext():
            token = _HELD.set(held | {id(self)})
            try:
                yield
            finally:
                _HELD.reset(token)


@contextlib.asynccontextmanager
async def file_locked(path: Path) -> AsyncIterator[None]:
    """Hold the `flock` of a file, taken in a thread while other processes hold it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    taking = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX))
    try:
        await asyncio.shield(taking)
    except BaseException:
        # Cancelled while the thread waits: it may still get the lock, so close the file once it is done.
        taking.add_done_callback(lambda _: os.close(descriptor))
        raise
    try:
        yield
    finally:
        os.close(descriptor)  # closing the file releases its flock
