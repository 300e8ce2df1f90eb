"""A process that reads and validates one load file for a load, and sends it batch by batch.

`python -m graph.loading.reading KIND PATH SIZE` writes pickled batches of SIZE valid rows to its
standard output (:func:`graph.loading.loader.send_batches`), for the load that started it
(:class:`graph.loading.loader._ProcessBatches`).
"""

import gc
import sys
from pathlib import Path

from graph.loading.loader import send_batches


def main(kind_name: str, path: str, size: str) -> None:
    # A record's objects are freed as its batch is sent; none is in a cycle for the collector to find.
    gc.disable()
    try:
        send_batches(kind_name, Path(path), int(size), sys.stdout.buffer)
    except BrokenPipeError:
        pass  # the load stopped reading: it ended early


if __name__ == "__main__":
    main(*sys.argv[1:])
