"""The reading process of a load: a process of its own that reads and validates one load file, batch by batch.

`python -m graph.loading.reading KIND PATH SIZE` writes pickled batches of SIZE valid rows to its
standard output (:func:`send_batches`); the load that started it receives them
(:class:`ProcessBatches`).
"""

import contextlib
import gc
import pickle
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import BinaryIO

from graph.loading.batches import Batch, BatchReader, LocalBatches, Row
from graph.loading.files import LoadFileError, RowReader
from graph.loading.kinds import KINDS_BY_NAME, Kind
from graph.loading.report import Rejection
from graph.loading.shape import Shape

# Batches received from a reading process before the load takes them (see ProcessBatches).
BATCHES_AHEAD = 2
# The kinds of message a reading process sends (see pack_batch).
BATCH = "batch"
FILE_ERROR = "file error"


class ProcessBatches:
    """The batches of a file, read and validated by a process of their own (`graph.loading.reading`).

    Reading and coercing a record costs 5 to 10 µs of the loader's CPU, about half of what a row costs
    it in a first load. The process does it on the other core, while the load checks and writes the
    batches before; a thread receives them as they come, up to :data:`BATCHES_AHEAD`, so that the
    process is not held up by the load. A batch arrives pickled, by column, which costs the load about
    1 µs a row (docs/load-files.md, "Throughput").
    """

    def __init__(self, kind: Kind, path: Path, size: int):
        self._path = path
        # Its own interpreter, not a fork: the load may run in a process with threads (an API server).
        self._process = subprocess.Popen(
            [sys.executable, "-m", "graph.loading.reading", kind.name, str(path), str(size)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        self._received: queue.Queue[Batch | Exception] = queue.Queue(maxsize=BATCHES_AHEAD)
        self._receiver = threading.Thread(target=self._receive, name=f"receive {path.name}", daemon=True)
        self._receiver.start()

    def _receive(self) -> None:
        """Put each batch the process sends into the queue, then the last, or what ended them (an exception)."""
        assert self._process.stdout is not None
        while True:
            try:
                batch = unpack_batch(self._path, pickle.load(self._process.stdout))
            except EOFError:
                code = self._process.wait()
                self._received.put(RuntimeError(f"the process reading {self._path} stopped (exit code {code})"))
                return
            except Exception as e:  # the file's error, or any other: the load must not wait for a batch in vain
                self._received.put(e)
                return
            self._received.put(batch)
            if not batch.read:
                return

    def next(self) -> Batch:
        """Return the next batch; one that read no record when the file is done.

        Raises:
            LoadFileError: the file cannot be read, or its header does not fit the kind.
            RuntimeError: the process stopped without a reason.
        """
        received = self._received.get()
        if isinstance(received, Exception):
            raise received
        return received

    def close(self) -> None:
        """Stop the process, if it is still reading, and the thread receiving from it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        while self._receiver.is_alive():  # it may wait for room to put what it received last
            with contextlib.suppress(queue.Empty):
                self._received.get_nowait()
            self._receiver.join(timeout=0.01)
        if self._process.stdout is not None:
            self._process.stdout.close()


def send_batches(kind_name: str, path: Path, size: int, out: BinaryIO) -> None:
    """Read and validate a load file, writing each batch of `size` valid rows to `out` pickled (:func:`pack_batch`).

    The last batch read no record; a file that cannot be read sends its error (:func:`pack_error`) instead.
    """
    kind = KINDS_BY_NAME[kind_name]
    batches = LocalBatches(BatchReader(kind, Shape.of(kind), path), RowReader(path, kind), lambda: size)
    try:
        while True:
            batch = batches.next()
            pickle.dump(pack_batch(batch), out, protocol=pickle.HIGHEST_PROTOCOL)
            if not batch.read:
                break
    except LoadFileError as e:
        pickle.dump(pack_error(e), out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        batches.close()
    out.flush()


def pack_batch(batch: Batch) -> tuple:
    """Return a batch as plain values, which pickle several times faster than the dataclasses.

    The rows' values go by column (every row has the same columns, in the order of the kind's
    converters), and the columns a row gave once when every row gave the same (a CSV file's header).
    """
    rows = batch.rows
    names = tuple(rows[0].values) if rows else ()
    columns = list(zip(*(row.values.values() for row in rows), strict=True))
    givens = {id(row.given) for row in rows}
    given = rows[0].given if len(givens) == 1 and type(rows[0].given) is frozenset else None
    each_given = None if given is not None else [frozenset(row.given) for row in rows]
    rejections = [(rejection.line, rejection.field, rejection.reason) for rejection in batch.rejections]
    lines = [row.line for row in rows]
    return BATCH, batch.read, batch.position, batch.rejected, rejections, lines, names, columns, given, each_given


def pack_error(error: LoadFileError) -> tuple:
    """Return a file's error as plain values (an exception with keyword arguments does not unpickle)."""
    return FILE_ERROR, error.reason, error.line, error.field


def unpack_batch(path: Path, message: tuple) -> Batch:
    """Return the batch of :func:`pack_batch`.

    Raises:
        LoadFileError: the message is :func:`pack_error`'s.
    """
    if message[0] == FILE_ERROR:
        _, reason, line, field_name = message
        raise LoadFileError(path, reason, line=line, field=field_name)
    _, read, position, rejected, rejections, lines, names, columns, given, each_given = message
    values = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    return Batch(
        rows=(
            [Row(line, row, given) for line, row in zip(lines, values, strict=True)]
            if each_given is None
            else [Row(*row) for row in zip(lines, values, each_given, strict=True)]
        ),
        read=read,
        position=position,
        rejected=rejected,
        rejections=[Rejection(path, line, field_name, reason) for line, field_name, reason in rejections],
    )


def main(kind_name: str, path: str, size: str) -> None:
    # A record's objects are freed as its batch is sent; none is in a cycle for the collector to find.
    gc.disable()
    try:
        send_batches(kind_name, Path(path), int(size), sys.stdout.buffer)
    except BrokenPipeError:
        pass  # the load stopped reading: it ended early


if __name__ == "__main__":
    main(*sys.argv[1:])
