"""The preview of a territories load file: its dry run, with the moves and conflicts its rules would cause."""

from pathlib import Path

from graph import territories
from graph.errors import InvalidInput
from graph.loading.loader import load_paths, plan
from graph.loading.report import FileReport
from graph.store import Store


async def preview_territories(store: Store, *, path: Path) -> FileReport:
    """Return what loading a territories file would do, with the moves and conflicts its rules would cause.

    The file is checked as `crmgraph load --dry-run` checks it, so nothing changes. Its valid rows
    are laid over the stored rules; rejected rows propose nothing. When the file would change no
    territory, the plan is that of the stored rules: links that do not follow them yet, and the
    conflicts they cause.

    Args:
        store: the graph.
        path: a territories load file, `territories.csv` or `territories.jsonl`.

    Returns:
        The file's dry-run report, with `assignments` always set.

    Raises:
        InvalidInput: the file is not a territories file, or cannot be read at all (a bad header).
        QueryError: the engine failed a query.
    """
    files = plan([path])
    if [kind.name for kind, _ in files] != ["territories"]:
        raise InvalidInput(f"{path.name}: a preview takes one territories file, territories.csv or territories.jsonl")
    report = (await load_paths(store, [path], dry_run=True)).files[0]
    if report.error is not None:
        raise InvalidInput(f"{path.name}: {report.error.reason}")
    if report.assignments is None:
        report.assignments = await territories.preview(store)
    return report
