"""The package's layout as the design lays it out: rooms that never reach down the data flow.

Read from the source with ``ast``: which room imports which, that the pure rooms import
neither pytest nor xdist, that no two modules import each other in a circle, and that no
module or function has grown past the size where it asks to be split.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "pytest_jmedethic"
# Each room and the rooms it may import (what it may read of earlier stages).
ALLOWED = {
    "corpus": {"endpoints"},  # the attacker is reached through endpoints
    "endpoints": set(),
    "judging": {"corpus", "endpoints"},
    "run": {"corpus", "endpoints", "judging"},
    "analysis": {"endpoints", "judging", "run"},  # endpoints: the Usage of a call
    "report": {"analysis", "corpus", "endpoints", "judging", "run"},
    "plugin": {"corpus", "endpoints", "judging", "run", "analysis", "report"},
    "sim": {"corpus", "endpoints"},
    "cli": {"corpus", "endpoints", "judging", "run", "analysis", "report", "plugin", "sim"},
}
WITHOUT_PYTEST = ("corpus", "endpoints", "judging", "run", "analysis", "report", "sim")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text("utf-8"))


def imported(name: str, path: Path, tree: ast.Module) -> set[str]:
    """Every module this one imports (``from . import x`` counts as importing ``.x``)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def room(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in ALLOWED else None


def test_every_room_is_a_sub_package() -> None:
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert rooms == set(ALLOWED)
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose == {"__init__.py", "validation.py"}


def test_rooms_import_only_earlier_stages() -> None:
    wrong = []
    for name, path, tree in modules():
        mine = room(name)
        for target in imported(name, path, tree):
            theirs = room(target) if target.startswith("pytest_jmedethic.") else None
            if mine and theirs and theirs != mine and theirs not in ALLOWED[mine]:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_pure_rooms_import_neither_pytest_nor_xdist() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, path, tree in modules()
        if room(name) in WITHOUT_PYTEST
        for target in imported(name, path, tree)
        if target.split(".")[0] in ("pytest", "_pytest", "xdist", "syrupy")
    ]
    assert wrong == []


def test_no_import_cycles() -> None:
    found = {name: (path, tree) for name, path, tree in modules()}
    graph = defaultdict(set)
    for name, (path, tree) in found.items():
        for target in imported(name, path, tree):
            # A module importing its own package's __init__ is not a cycle of ours.
            if target in found and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    cycles = []

    def visit(node: str, trail: list[str], done: set[str]) -> None:
        if node in trail:
            cycles.append([*trail[trail.index(node) :], node])
            return
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*trail, node], done)
        done.add(node)

    finished: set[str] = set()
    for name in sorted(found):
        visit(name, [], finished)
    assert cycles == []


def test_no_module_or_function_has_grown_past_splitting_size() -> None:
    too_long = []
    for name, path, tree in modules():
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{name}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []
