"""The house rules, as measures anyone can re-take: each folder of `sparkify_assets` answers one
question and sits on a floor; a module imports only from its own floor or below, and no module
grows past MAX_LINES.

The floors, lowest first (README.md, "The layout"):
- `model`, `copyjson`: what the warehouse is (tables, targets, SQL, days), and how JSON becomes
  rows the way Redshift's COPY makes them; neither knows Dagster runs them.
- `warehouse`: how we talk to the database (the resource, sessions, loading, building).
- `config`: the SPARKIFY_* settings, and the resources built from them.
- `aws`, `sample`: the operator's AWS (cluster, IAM, network, preflight probes) and the sample
  data (generator, ground truth).
- `pipeline`: what Dagster sees (assets, checks, jobs, schedules, sensors, asset pages).
- `definitions` and the package itself: the code location, assembled.
- `cli`: the `sparkify` command, which runs all of the above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sparkify_assets

PACKAGE = Path(sparkify_assets.__file__).parent
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"model", "copyjson"}),
    frozenset({"warehouse"}),
    frozenset({"config"}),
    frozenset({"aws", "sample"}),
    frozenset({"pipeline"}),
    frozenset({"definitions", "__init__"}),
    frozenset({"cli"}),
)
MAX_LINES = 400
# Modules allowed past MAX_LINES, each with its reason: data, not logic.
DATA_TABLES: dict[str, str] = {}

pytestmark = pytest.mark.unit


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _room(path: Path) -> str:
    """The first folder (or top-level module) under the package: the room a module is in."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _floor(room: str) -> int:
    for level, rooms in enumerate(FLOORS):
        if room in rooms:
            return level
    raise AssertionError(f"{room!r} is on no floor: add it to FLOORS and to README's layout")


def _imported_rooms(path: Path) -> set[str]:
    """The rooms a module imports from, at any depth (inside functions and TYPE_CHECKING too)."""
    rooms: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "sparkify_assets":  # `from sparkify_assets import defs`
                names = [f"sparkify_assets.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "sparkify_assets" and len(parts) > 1:
                rooms.add("__init__" if parts[1] == "defs" else parts[1])
    return rooms


def test_every_folder_of_the_package_is_on_a_floor() -> None:
    for path in _modules():
        _floor(_room(path))


def test_no_module_imports_from_a_floor_above_its_own() -> None:
    upward = [
        f"{path.relative_to(PACKAGE)} ({_room(path)}) imports from {room}"
        for path in _modules()
        for room in sorted(_imported_rooms(path))
        if _floor(room) > _floor(_room(path))
    ]
    assert upward == []


def test_no_module_uses_a_relative_import() -> None:
    """Absolute imports say where a name comes from, and let the floor test read every one."""
    relative = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def test_no_module_is_longer_than_the_bound() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(PACKAGE)) not in DATA_TABLES
    }
    assert long == {}


def test_no_test_module_is_longer_than_the_bound() -> None:
    tests = Path(__file__).parent
    long = {
        str(path.relative_to(tests)): lines
        for path in sorted(tests.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
