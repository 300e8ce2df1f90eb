"""The layers import each other one way: the API and the CLI share only `graph/`, which imports neither."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported(package: str) -> set[tuple[str, str]]:
    """Return (module file, imported module) of every import in `package`, local imports included."""
    found = set()
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update((path.relative_to(ROOT).as_posix(), name) for name in names)
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("cli", {"api"}), ("api", {"cli"}), ("graph", {"api", "cli"})])
def test_a_layer_imports_no_layer_above_or_beside_it(package: str, forbidden: set[str]) -> None:
    crossing = {(path, name) for path, name in imported(package) if name.split(".")[0] in forbidden}

    assert crossing == set()


def test_the_walk_sees_local_imports() -> None:
    # The CLI imports most modules inside its commands: a walk of the top level alone would miss them.
    assert ("cli/main.py", "uvicorn") in imported("cli")
