"""The suite runs on Windows too: a test that needs a Unix mechanism is marked ``unix_only``,
so it is skipped there with its reason instead of failing or stopping collection."""

import ast
import functools
from pathlib import Path

TESTS = Path(__file__).resolve().parent
UNIX_MODULES = {"resource", "fcntl", "pwd", "grp", "termios", "pty", "posix"}
UNIX_MECHANISMS = ("SIGKILL", "SIGXFSZ", "RLIMIT_", "/proc/", "preexec_fn", "os.fork",
                   "geteuid", "getuid", "/bin/sh", "chmod", "Xvfb", "xdotool")  # fmt: skip


@functools.cache  # both tests read the same files
def _modules() -> tuple[tuple[Path, list[str], ast.Module], ...]:
    return tuple((path.relative_to(TESTS), text.splitlines(), ast.parse(text))
                 for path in sorted(TESTS.rglob("*.py"))
                 for text in [path.read_text(encoding="utf-8")])  # fmt: skip


def _lines_of(lines: list[str], node: ast.AST) -> str:
    """The whole lines ``node`` spans (a function from its ``def``, decorators apart)."""
    return "\n".join(lines[node.lineno - 1 : node.end_lineno])


def _imported(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module:
        return {node.module.split(".")[0]}
    return set()


def test_no_test_module_imports_a_unix_only_module_where_windows_collects_it():
    found = [f"{path}:{node.lineno} {name}" for path, _, tree in _modules()
             for node in tree.body for name in _imported(node) & UNIX_MODULES]  # fmt: skip
    assert found == []


def test_every_test_using_a_unix_mechanism_is_marked_unix_only():
    unmarked = []
    for path, lines, tree in _modules():
        module_marks = "".join(
            _lines_of(lines, node)
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(getattr(t, "id", "") == "pytestmark" for t in node.targets)
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            body = _lines_of(lines, node)
            used = [mechanism for mechanism in UNIX_MECHANISMS if mechanism in body]
            marks = module_marks + "".join(_lines_of(lines, d) for d in node.decorator_list)
            if used and "unix_only" not in marks:
                unmarked.append(f"{path}::{node.name} uses {', '.join(used)}")
    assert unmarked == []
