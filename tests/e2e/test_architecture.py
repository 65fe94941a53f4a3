"""The shape of the code, checked: size budgets, no import cycle, and the import contracts
(import-linter, configured in pyproject.toml) are complete and hold.

Budgets: no module over 900 lines, no class over 600, no function over 120 (docs/architecture.md
says why). Cycles: every import counts, module-level or inside a function; ``if TYPE_CHECKING:``
imports do not run and do not count.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"pgarch_lint": ROOT / "pgarch_lint", "pgarch_lint.rules": ROOT / "rules"}
MAX_MODULE, MAX_CLASS, MAX_FUNCTION = 900, 600, 120


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg, folder in PACKAGES.items():
        for p in folder.rglob("*.py"):
            parts = list(p.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join([pkg, *parts])
            if pkg == "pgarch_lint" and name.startswith("pgarch_lint.rules"):
                continue
            out[name] = p
    return out


MODULES = _modules()


def test_size_budgets() -> None:
    over: list[str] = []
    for name, path in sorted(MODULES.items()):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE:
            over.append(f"module {name}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if isinstance(node, ast.ClassDef) and size > MAX_CLASS:
                over.append(f"class {name}.{node.name}: {size} lines")
            elif not isinstance(node, ast.ClassDef) and size > MAX_FUNCTION:
                over.append(f"function {name}.{node.name}: {size} lines")
    assert not over, "over budget:\n" + "\n".join(over)


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports at run time (anywhere in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycle() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    graph = {m: _imports(m, p) for m, p in MODULES.items()}
    assert not _cycles(graph), f"import cycles: {_cycles(graph)}"


def test_the_cycle_finder_finds_function_level_imports(tmp_path: Path) -> None:
    """A cycle closed by an import inside a function counts; one through TYPE_CHECKING does
    not."""
    a = tmp_path / "a.py"
    b = tmp_path / "b.py"
    a.write_text("from pgarch_lint import b\n")
    b.write_text("def f():\n    from pgarch_lint import a\n")
    saved = dict(MODULES)
    try:
        MODULES.update({"pgarch_lint.a": a, "pgarch_lint.b": b})
        graph = {m: _imports(m, MODULES[m]) for m in ("pgarch_lint.a", "pgarch_lint.b")}
        assert _cycles(graph) == [["pgarch_lint.a", "pgarch_lint.b"]]
        b.write_text(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pgarch_lint import a\n"
        )
        graph = {m: _imports(m, MODULES[m]) for m in ("pgarch_lint.a", "pgarch_lint.b")}
        assert _cycles(graph) == []
    finally:
        MODULES.clear()
        MODULES.update(saved)


def test_rules_contract_lists_every_other_module() -> None:
    """The import-linter contract that keeps rules on the api and the analysis layer names
    every other top-level module of pgarch_lint (a new module must be added to it)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    rules = next(c for c in contracts if c["source_modules"] == ["rules"])
    listed = set(rules["forbidden_modules"])
    top = {
        "pgarch_lint." + m.split(".")[1]
        for m in MODULES
        if m.startswith("pgarch_lint.") and not m.startswith("pgarch_lint.rules")
    }
    want = top - {"pgarch_lint.api", "pgarch_lint.analysis", "pgarch_lint.__main__"}
    assert listed == want, (sorted(want - listed), sorted(listed - want))


@pytest.mark.skipif(
    shutil.which("lint-imports") is None
    and not (Path(sys.executable).parent / "lint-imports").exists(),
    reason="import-linter is not installed",
)
def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    r = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]


#: what pgarch_lint.api offered rule packs before the architecture step (0.1.0): packs written
#: against it must keep loading; new names may be added, none of these removed
API_0_1 = [
    "AnyStatement",
    "Catalog",
    "Category",
    "Context",
    "DynamicExecute",
    "EndOfFile",
    "EndOfRun",
    "FileInfo",
    "Loc",
    "LockMode",
    "LockTaken",
    "Origin",
    "RESERVED_KEYWORDS",
    "Rule",
    "RuleLike",
    "Severity",
    "Statement",
    "SuppressionDirective",
    "SyntaxErrorEvent",
    "TYPE_FUNC_NAME_KEYWORDS",
    "TxState",
    "Violation",
    "ast",
    "conventions",
    "declared",
    "deparse",
    "enums",
    "is_binary_coercible",
    "make_object_name",
    "normalize_type",
    "option",
    "per_statement",
    "rule",
    "util",
    "walk",
]


def test_api_keeps_the_names_rule_packs_use() -> None:
    from pgarch_lint import api

    assert [n for n in API_0_1 if n not in api.__all__ or not hasattr(api, n)] == []
