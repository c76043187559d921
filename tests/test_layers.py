"""The dependency order of the packages (docs/adr/0013-kernel.md): core ← forms ← sync ← server.

Read from the sources' import statements (every `import`, at module level or inside a function), so a
lower package that reaches up fails here rather than in a circular import at some later start-up.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What each package may import from the app's own packages.
ALLOWED = {
    "core": set(),
    "forms": {"core"},
    "sync": {"core", "forms"},
    "server": {"core", "forms", "sync", "server"},
}
APP = set(ALLOWED) | {"pwa", "bench", "scripts", "tests"}


def imported(path: Path) -> set[str]:
    """The top-level names of every module a file imports (relative imports count as its own package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(path.relative_to(ROOT).parts[0] if node.level else (node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_packages_below_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted((imported(path) & APP) - ALLOWED[package] - {package})
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_migrations_ledger_imports_nothing_of_the_app():
    """A migration freezes the shapes it creates: live code that changes later must not change it."""
    for path in (ROOT / "server" / "migrations").glob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = {
            module
            for node in ast.walk(tree)
            for module in (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
        }  # fmt: skip
        own = {name for name in names if name == "server.migrations" or name.startswith("server.migrations.")}
        tops = {name.split(".")[0] for name in names - own}
        assert tops <= set(sys.stdlib_module_names) | {"__future__", "sqlite_utils"}, (path.name, tops)


def test_the_check_reads_imports_inside_functions_too(tmp_path):
    # The rule would be blind to a lazy import (server/shell.py has some): show that it sees one.
    probe = tmp_path / "probe.py"
    probe.write_text("import json\n\n\ndef f():\n    from server.reports import scores\n")
    assert imported(probe) == {"json", "server"}
