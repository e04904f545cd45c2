"""The shape docs/architecture.md describes, checked: the import contracts (.importlinter), no
private Django module imported anywhere, and view modules small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("assessments", "frameworks", "collabassess")


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - the venv's own lint-imports
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_module_imports_a_private_django_module():
    private = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "django" and any(p.startswith("_") for p in parts[1:]):
                    private.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert private == []


def test_no_view_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "assessments" / "views").rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
