"""Third-party rule packs load through the same entry-point group as the built-ins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PACK_RULE = '''
from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule


@rule(
    name="no-temp-tables",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a temporary table in a migration",
    nodes=(ast.CreateStmt,),
    bad="CREATE TEMP TABLE t (a int);",
    good="CREATE TABLE t (a int);",
    fix="Create a real table, or do the work in the application.",
)
def check(node: ast.CreateStmt, ctx: Context) -> Iterator[Violation]:
    """Temporary tables vanish with the session, so a migration that creates one
    leaves nothing behind; usually a mistake."""
    if node.relation.relpersistence == "t":
        yield Violation(f'temporary table "{node.relation.relname}"', node=node.relation)
'''


def _install_pack(site: Path, name: str, module_src: str | None) -> None:
    """Install a throwaway pack the way pip does: a module plus a dist-info with an entry point."""
    pkg = site / f"{name}_pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(module_src or "raise ImportError('broken on purpose')\n")
    dist = site / f"{name}_pkg-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-pkg\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[pgarch_lint.rules]\n{name} = {name}_pkg\n")


def _cli(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "pgarch_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_pack_rules_are_namespaced_and_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _install_pack(site, "acme", textwrap.dedent(PACK_RULE))
    (tmp_path / "m.sql").write_text("CREATE TEMP TABLE scratch (a int);\n")
    r = _cli(["rules", "--format", "json"], site, tmp_path)
    names = [d["name"] for d in json.loads(r.stdout)]
    assert "acme/no-temp-tables" in names and "ban-drop-table" in names
    r = _cli(["check", "m.sql", "--format", "json"], site, tmp_path)
    data = json.loads(r.stdout)
    assert [f["rule"] for f in data["findings"]] == ["acme/no-temp-tables"]
    assert r.returncode == 1
    # selectable and ignorable by its qualified name
    r = _cli(["check", "m.sql", "--ignore", "acme/no-temp-tables"], site, tmp_path)
    assert r.returncode == 0
    r = _cli(["explain", "acme/no-temp-tables"], site, tmp_path)
    assert "# acme/no-temp-tables" in r.stdout


def test_broken_pack_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _install_pack(site, "broken", None)
    (tmp_path / "m.sql").write_text("SELECT 1;\n")
    r = _cli(["check", "m.sql"], site, tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "pgarch-lint: error: rule pack 'broken' (broken_pkg) failed to load: broken on purpose"
    ]
