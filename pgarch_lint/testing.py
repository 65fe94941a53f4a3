"""Helpers for testing rules (ours and third-party packs): lint SQL text in memory."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pgarch_lint.api import Rule
from pgarch_lint.config import Settings, load_settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import load_rules

EXPECT = re.compile(r"--\s*expect:\s*([\w/,\s-]+)")


def lint_sql(
    sql: str,
    *,
    rules: Sequence[str] | None = None,
    settings: Settings | None = None,
    context: Iterable[str] = (),
    path: str = "migration.sql",
) -> list[Finding]:
    """Lint ``sql`` as one checked file, after replaying ``context`` SQL texts."""
    settings = settings or Settings()
    all_rules = load_rules()
    if rules is not None:
        settings.select = tuple(rules)
    chosen: list[Rule] = select_rules(all_rules, settings)
    files = [FileInput(f"context{i}.sql", c.encode(), True) for i, c in enumerate(context)]
    files.append(FileInput(path, sql.encode("utf-8", "surrogateescape"), False))
    return Engine(settings, chosen).run(files).findings


def expected(text: str) -> Counter[tuple[int, str]]:
    """``-- expect: rule-a, rule-b`` comments → Counter of (line, rule)."""
    out: Counter[tuple[int, str]] = Counter()
    for i, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            for name in m.group(1).split(","):
                if name.strip():
                    out[(i, name.strip())] += 1
    return out


def run_fixture(sql_path: Path, rule_name: str) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]], list[Finding]]:
    """Run one fixture file with only ``rule_name`` selected; return (expected, actual, findings).

    A sidecar ``<case>.toml`` (pgarch-lint.toml keys) configures the run; a sidecar
    ``<case>.context.sql`` is replayed first as ``--context``.
    """
    sidecar = sql_path.with_suffix(".toml")
    settings = load_settings(sidecar, rules=load_rules()) if sidecar.exists() else Settings()
    settings.select = (rule_name, *settings.extend_select)
    ctx_file = sql_path.with_name(sql_path.stem + ".context.sql")
    files: list[FileInput] = []
    if ctx_file.exists():
        files.append(FileInput(str(ctx_file), ctx_file.read_bytes(), True))
    data = sql_path.read_bytes()
    files.append(FileInput(str(sql_path), data, False))
    chosen = select_rules(load_rules(), settings)
    findings = Engine(settings, chosen).run(files).findings
    want = expected(data.decode("utf-8", "replace"))
    got: Counter[tuple[int, str]] = Counter((f.line, f.rule) for f in findings if f.path == str(sql_path))
    return want, got, findings


def describe(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.line}:{f.column} {f.rule}: {f.message}" for f in findings)


__all__: list[Any] = ["describe", "expected", "lint_sql", "run_fixture"]
