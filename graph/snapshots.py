"""Who holds the snapshot of a graph, and how it is kept current: by following the graph's change records, and by
reading the whole graph only when it must.

:meth:`Snapshots.current` reads the graph's revision (one small query) before every question and answers from the
snapshot it holds while the revision is unchanged. After a write it applies the writes' change records to the
snapshot it holds (graph/following.py): milliseconds, also at a million organisations. It reads the whole graph
again (graph/snapshot.py, seconds at a million) only when there is nothing to follow: no snapshot yet, the records
it needs are gone, or a write changed more than its record names (a bulk load, a migration); the log says why.
Either way the snapshot it answers from is one state of the graph: a write that lands while it reads makes it
read again.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator

from graph import changes, following, snapshot
from graph.errors import Conflict, CrmGraphError
from graph.snapshot import Snapshot
from graph.store import Store

logger = logging.getLogger(__name__)
# Reads of the graph tried while writes keep changing it.
ATTEMPTS = 5
# How many recent steps from one snapshot to the next the holder remembers, with what changed in each.
STEPS_KEPT = 64
# A follow slower than this is logged: it holds up every question meanwhile.
SLOW_SECONDS = 1.0


class Snapshots:
    """The snapshots of one store's graph: the one last read, brought up to date when a write has changed the graph.

    Create one per process and store (the API's lifespan, a CLI command) and pass it to the functions that read
    the snapshot, so that they share what was read.

    Attributes:
        store: the graph's store.
        full_reads: how many times it read the whole graph.
        follows: how many times it brought its snapshot up to date by applying recorded changes.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.full_reads = 0
        self.follows = 0
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()
        # (token before, token after, what changed) of the last steps that followed changes.
        self._steps: deque[tuple[str | None, str | None, changes.Changes]] = deque(maxlen=STEPS_KEPT)

    def held(self) -> Snapshot | None:
        """Return the snapshot last read, current or not, without asking the graph; None before any."""
        return self._snapshot

    def changed_since(self, token: str | None) -> changes.Changes | None:
        """Return what changed from the snapshot with revision `token` to the one held, as far as this holder
        followed it; None when it does not know (it read the whole graph since, or never held that one)."""
        held = self._snapshot
        if held is None:
            return None
        if token == held.token:
            return changes.Changes()
        together = []
        for before, after, changed in reversed(self._steps):
            if after != (together[-1][0] if together else held.token):
                return None
            together.append((before, changed))
            if before == token:
                return changes.union(changed for _, changed in together)
        return None

    async def current(self, *, may_read_whole: bool = True) -> Snapshot:
        """Return the snapshot of the graph as it is now: the one held while no write came since, else the one held
        with the recorded changes applied, else a new one read from the whole graph.

        Args:
            may_read_whole: when False and only a read of the whole graph would do, return the snapshot held
                (a background task waits for writes to pause first).

        Raises:
            Conflict: writes changed the graph during every one of ATTEMPTS reads of it.
            QueryError: the engine failed a read.
        """
        store = self.store
        position = await changes.position(store)
        if self._snapshot is not None and self._snapshot.token == position.token:
            return self._snapshot
        async with self._lock:
            # Questions that waited while another followed the same writes take its snapshot: following again
            # under the lock costs each two reads of the graph, one after the other (W7's tail).
            if self._snapshot is not None and self._snapshot.token == position.token:
                return self._snapshot
            for _ in range(ATTEMPTS):
                held = self._snapshot
                reason = None
                if held is not None:
                    started = time.perf_counter()
                    outcome = await following.follow(store, held)
                    took = time.perf_counter() - started
                    if took > SLOW_SECONDS:
                        logger.warning("following the writes took %.1f s", took)
                    if isinstance(outcome, following.Followed):
                        if outcome.snapshot is not held:
                            self._steps.append((held.token, outcome.snapshot.token, outcome.changes))
                            self.follows += 1
                            self._snapshot = outcome.snapshot
                        return outcome.snapshot
                    if outcome is following.MOVED:
                        continue
                    if not may_read_whole:
                        return held
                    reason = outcome
                    logger.warning("reading the whole graph again, questions wait for it: %s", reason)
                started = time.perf_counter()
                found = await snapshot.read(store)
                if reason is not None:
                    logger.warning("read the whole graph again in %.1f s", time.perf_counter() - started)
                if found is not None:
                    self.full_reads += 1
                    self._steps.clear()
                    self._snapshot = found
                    return found
        raise Conflict(f"the graph changed while it was read, {ATTEMPTS} times running: ask again when the writes end")

    @contextlib.asynccontextmanager
    async def kept_current(self, *, poll_seconds: float = 1.0, quiet_seconds: float = 2.0) -> AsyncIterator[None]:
        """Keep the snapshot current in the background while the block runs.

        Every `poll_seconds` the revision is read; when it moved, the changes are followed at once. When only a
        read of the whole graph would do (a bulk load), it waits until the revision has not changed for
        `quiet_seconds`, so that a load is read once, after it ends, not once per batch.
        """
        task = asyncio.create_task(self._keep_current(poll_seconds, quiet_seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep_current(self, poll_seconds: float, quiet_seconds: float) -> None:
        seen, changed = object(), time.monotonic()
        while True:
            await asyncio.sleep(poll_seconds)
            try:
                token = (await changes.position(self.store)).token
                if token != seen:
                    seen, changed = token, time.monotonic()
                if self._snapshot is None or self._snapshot.token != token:
                    await self.current(may_read_whole=time.monotonic() - changed >= quiet_seconds)
            except CrmGraphError as e:
                # The questions that need the snapshot will meet the error themselves; keep watching.
                logger.warning("keeping the snapshot current failed: %s", e)
