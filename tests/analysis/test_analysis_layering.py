"""The analysis layer's place: public names where packs find them, and no import upwards."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pgarch_lint.analysis as analysis
from pgarch_lint import api

ROOT = Path(analysis.__file__).resolve().parent
MODULES = sorted(p.stem for p in ROOT.glob("*.py") if p.stem != "__init__")
#: what analysis may not import (outside ``if TYPE_CHECKING:``): the layers above it
FORBIDDEN = (
    "pgarch_lint.api",
    "pgarch_lint.engine",
    "pgarch_lint.parallel",
    "pgarch_lint.cli",
    "pgarch_lint.config",
    "pgarch_lint.registry",
    "pgarch_lint.live",
    "pgarch_lint.rules",
    "pgarch_lint.reporters",
)


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.add(node.module or "")
    return out


def test_no_import_upwards() -> None:
    for name in MODULES:
        bad = [m for m in _runtime_imports(ROOT / f"{name}.py") if m.startswith(FORBIDDEN)]
        assert not bad, f"analysis/{name}.py imports {bad}"


def test_importing_every_module_loads_no_upper_layer() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {MODULES!r}: importlib.import_module('pgarch_lint.analysis.' + m)\n"
        f"print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_api_names_still_there() -> None:
    from pgarch_lint.analysis import conventions, memo

    assert api.conventions is conventions
    assert api.per_statement is memo.per_statement
    # house style and its templates, through the one module packs know
    for name in (
        "house_style",
        "suggest",
        "follows",
        "render",
        "to_snake",
        "DEFAULTS",
        "CASE_KIND",
    ):
        assert hasattr(api.conventions, name), name
    assert api.analysis is analysis


def test_every_module_documents_its_model() -> None:
    for name in MODULES:
        doc = ast.get_docstring(ast.parse((ROOT / f"{name}.py").read_text()))
        assert doc and len(doc) > 200, f"analysis/{name}.py needs a module docstring"
        assert f"``{name}``" in (analysis.__doc__ or ""), f"{name} missing from the package doc"
