"""The layers import each other one way: the API and the CLI share only `graph/`, which imports neither, and no
module of `graph/` imports itself back through others."""

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path, root: Path) -> str:
    """Return the dotted name of the module in `path` (a package's `__init__.py` is the package)."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(package: str, root: Path = ROOT) -> set[tuple[str, str]]:
    """Return (module file, imported module) of every import in `package`, local imports included.

    `from a import b` imports `a.b` when `b` is a module file of the tree, and `a` itself otherwise.
    """
    modules = {module_name(path, root) for path in (root / package).rglob("*.py")}
    found = set()
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                submodules = [f"{node.module}.{alias.name}" for alias in node.names]
                names = submodules if all(name in modules for name in submodules) else [node.module]
            else:
                continue
            found.update((path.relative_to(root).as_posix(), name) for name in names)
    return found


def import_cycle(package: str, root: Path = ROOT) -> list[str] | None:
    """Return a cycle of modules of `package` that import each other (its first module again at its end), or None."""
    modules = {module_name(path, root): path for path in (root / package).rglob("*.py")}
    imports: dict[str, set[str]] = {name: set() for name in modules}
    for path, name in imported(package, root):
        importer = module_name(root / path, root)
        if name in modules and name != importer:
            imports[importer].add(name)
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


@pytest.mark.parametrize(("package", "forbidden"), [("cli", {"api"}), ("api", {"cli"}), ("graph", {"api", "cli"})])
def test_a_layer_imports_no_layer_above_or_beside_it(package: str, forbidden: set[str]) -> None:
    crossing = {(path, name) for path, name in imported(package) if name.split(".")[0] in forbidden}

    assert crossing == set()


def test_the_walk_sees_local_imports() -> None:
    # The CLI imports most modules inside its commands: a walk of the top level alone would miss them.
    assert ("cli/main.py", "uvicorn") in imported("cli")


def test_no_module_of_graph_imports_itself_back() -> None:
    # A cycle works only as long as the modules load in one order, or dodges it with an import inside a function.
    assert import_cycle("graph") is None


@pytest.mark.parametrize(
    "files",
    [
        # b imports a inside a function: still a cycle.
        {"a.py": "from pkg import b\n", "b.py": "def f():\n    from pkg.a import x\n"},
        # A package that imports its own module back: the factory in `__init__` pattern.
        {"__init__.py": "def open():\n    from pkg.impl import Impl\n", "impl.py": "from pkg import Base\n"},
        {"a.py": "import pkg.b\n", "b.py": "import pkg.c\n", "c.py": "from pkg.a import x\n"},
    ],
)
def test_the_cycle_check_finds_a_cycle(tmp_path: Path, files: dict[str, str]) -> None:
    (tmp_path / "pkg").mkdir()
    for name, text in files.items():
        (tmp_path / "pkg" / name).write_text(text)

    cycle = import_cycle("pkg", tmp_path)

    assert cycle is not None and cycle[0] == cycle[-1]


def test_the_cycle_check_passes_imports_one_way(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""A package."""\n')
    (tmp_path / "pkg" / "a.py").write_text("from pkg import b\nfrom pkg.b import x\n")
    (tmp_path / "pkg" / "b.py").write_text("import os\nx = 1\n")

    assert import_cycle("pkg", tmp_path) is None
