"""The package layout holds: no package cycle and no module cycle, ``formats/`` is the
ground floor, and the core never imports Qt.

Every module's imports are read with ``ast`` (function-level imports included: an import
inside a function is still a dependency, only a later one), and kept as a graph of the
app's modules and folded into one of its packages and top-level modules.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import fps_desktop

ROOT = Path(fps_desktop.__file__).parent
QT = "PySide6"
# Qt is allowed here (DESIGN.md: printing uses QPrinter but no widgets; ui is the widgets;
# the command line starts the window).
QT_PACKAGES = {"ui", "printing", "cli", "__main__", "languages"}  # languages: Qt's translators
# What the ground floor may use of the app: the typed errors and log helpers, nothing above.
FORMATS_MAY_IMPORT = {"errors", "logs"}


def unit_of(module: str) -> str:
    """``fps_desktop.documents.cache`` -> ``documents``; ``fps_desktop.jobs`` -> ``jobs``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache  # every test reads the same files
def imports_of(path: Path) -> frozenset[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: relative import; the app uses absolute ones")
    return frozenset(found)


def module_name(path: Path) -> str:
    """``.../fps_desktop/documents/cache.py`` -> ``fps_desktop.documents.cache``; a package's
    ``__init__.py`` is the package itself."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(("fps_desktop", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def module_graph() -> dict[str, set[str]]:
    """``module -> the app's modules it imports``; ``from package import module`` imports
    both, as Python does (a package without ``__init__.py`` is no module)."""
    paths = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}
    return {module: {name for name in imports_of(path) if name in paths and name != module}
            for module, path in paths.items()}  # fmt: skip


def package_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``(unit -> units it imports, unit -> the modules of it that import Qt)``."""
    graph: dict[str, set[str]] = {}
    qt_users: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        module = ".".join(("fps_desktop", *path.relative_to(ROOT).with_suffix("").parts))
        unit = unit_of(module)
        graph.setdefault(unit, set())
        for name in imports_of(path):
            if name.startswith("fps_desktop.") and unit_of(name) != unit:
                graph[unit].add(unit_of(name))
            elif name == QT or name.startswith(QT + "."):
                qt_users.setdefault(unit, set()).add(f"{module} imports {name}")
    return graph, qt_users


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a path that ends where it starts, or ``[]``."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        trail.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        trail.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def all_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle the finder meets, cutting each one's last edge before looking again, so
    a failure names them all at once."""
    graph = {node: set(targets) for node, targets in graph.items()}
    found = []
    while cycle := find_cycle(graph):
        found.append(cycle)
        graph[cycle[-2]].discard(cycle[-1])
    return found


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    two = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}, "e": {"a"}}
    assert all_cycles(two) == [["a", "b", "a"], ["c", "d", "c"]]


def test_the_module_graph_reads_every_kind_of_import():
    graph = module_graph()
    assert "fps_desktop.printing.ipp" in graph["fps_desktop.printing.os_queue"]  # from P import m
    assert "fps_desktop.errors" in graph["fps_desktop.printing.os_queue"]  # from m import name
    # inside a function, for start-up speed or one platform only: still an edge
    assert "fps_desktop.printing.windows_queue" in graph["fps_desktop.printing.os_queue"]
    assert "fps_desktop.ui.app" in graph["fps_desktop.cli.documents"]


def test_no_module_imports_itself_round_about():
    """A module cycle works only while one of its imports waits inside a function or is
    placed just so; moving that import breaks the app at start."""
    cycles = [" -> ".join(cycle) for cycle in all_cycles(module_graph())]
    assert cycles == [], "module cycles:\n" + "\n".join(cycles)


def test_no_package_imports_itself_round_about():
    graph, _ = package_graph()
    assert {"formats", "documents", "invoices", "printing", "ui"} <= graph.keys()
    assert find_cycle(graph) == [], "package cycle: " + " -> ".join(find_cycle(graph))


def test_formats_is_the_ground_floor():
    graph, qt_users = package_graph()
    assert graph["formats"] - FORMATS_MAY_IMPORT == set(), "formats/ imports upward: " + ", ".join(
        sorted(graph["formats"] - FORMATS_MAY_IMPORT)
    )
    assert "formats" not in qt_users
    assert "formats" in graph["documents"] and "formats" in graph["invoices"]


def test_the_core_never_imports_qt():
    graph, qt_users = package_graph()
    core = graph.keys() - QT_PACKAGES
    assert {"formats", "documents", "invoices", "export", "upload", "listener", "jobs"} <= core
    direct = sorted(line for unit in core for line in qt_users.get(unit, ()))
    assert direct == [], "\n".join(direct)
    through = sorted(f"{unit} imports {graph[unit] & QT_PACKAGES}" for unit in core
                     if graph[unit] & QT_PACKAGES)  # fmt: skip
    assert through == [], "\n".join(through)


def test_printing_uses_qt_without_widgets():
    _, qt_users = package_graph()
    widgets = sorted(line for line in qt_users.get("printing", ()) if "QtWidgets" in line)
    assert widgets == [], "\n".join(widgets)
