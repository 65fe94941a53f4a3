"""Helpers for testing rules (ours and third-party packs): lint SQL text in memory."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pgarch_lint.api import Rule
from pgarch_lint.config import Settings, load_settings, resolve_names, select_rules
from pgarch_lint.engine import Engine
from pgarch_lint.files import FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import load_rules

EXPECT = re.compile(r"--\s*expect:\s*([\w/,\s\[\]-]+)")
_ITEM = re.compile(r"\s*([\w/-]+)\s*(?:\[\s*(\w+)\s*\])?\s*")


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
    resolve_names(settings, list(all_rules), "lint_sql")
    chosen: list[Rule] = select_rules(all_rules, settings)
    files = [FileInput(f"context{i}.sql", c.encode(), True) for i, c in enumerate(context)]
    files.append(FileInput(path, sql.encode("utf-8", "surrogateescape"), False))
    return Engine(settings, chosen).run(files).findings


def _expectations(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(line, rule, severity or None) for each item of the ``-- expect:`` comments."""
    for i, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if not m:
            continue
        for item in m.group(1).split(","):
            if not item.strip():
                continue
            im = _ITEM.fullmatch(item)
            if im is None:
                raise ValueError(f"line {i}: cannot read the expectation {item.strip()!r}")
            yield i, im.group(1), im.group(2)


def expected(text: str) -> Counter[tuple[int, str]]:
    """``-- expect: rule-a, rule-b`` comments → Counter of (line, rule).

    An item may name the finding's severity, ``-- expect: rule-a[info]``; see
    :func:`expected_severities`.
    """
    return Counter((line, name) for line, name, _sev in _expectations(text))


def expected_severities(text: str) -> Counter[tuple[int, str, str]]:
    """The items of ``-- expect:`` comments that name a severity (``rule-a[warning]``) →
    Counter of (line, rule, severity)."""
    return Counter(
        (line, name, sev.lower()) for line, name, sev in _expectations(text) if sev is not None
    )


def severity_mismatches(text: str, findings: Iterable[Finding], path: str) -> list[str]:
    """The expectations with a severity that no finding of ``path`` has (one line each)."""
    want = expected_severities(text)
    got: Counter[tuple[int, str, str]] = Counter(
        (f.line, f.rule, f.severity) for f in findings if f.path == path
    )
    return [
        f"line {line}: {rule}[{sev}] expected, found "
        + (", ".join(f"{r}[{s}]" for ln, r, s in sorted(got) if ln == line and r == rule) or "none")
        for (line, rule, sev), n in sorted((want - got).items())
        for _ in range(n)
    ]


def fixture_run(
    sql_path: Path, rule_name: str, data: bytes | None = None
) -> tuple[Settings, list[Rule], list[FileInput]]:
    """The settings, rules and inputs :func:`run_fixture` lints (``data``: the fixture's
    text replaced, e.g. after a fix)."""
    sidecar = sql_path.with_suffix(".toml")
    settings = load_settings(sidecar, rules=load_rules()) if sidecar.exists() else Settings()
    settings.select = (rule_name, *settings.extend_select)
    ctx_file = sql_path.with_name(sql_path.stem + ".context.sql")
    files: list[FileInput] = []
    if ctx_file.exists():
        files.append(FileInput(str(ctx_file), ctx_file.read_bytes(), True))
    files.append(FileInput(str(sql_path), sql_path.read_bytes() if data is None else data, False))
    return settings, select_rules(load_rules(), settings), files


def run_fixture(
    sql_path: Path, rule_name: str
) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]], list[Finding]]:
    """Run one fixture file with only ``rule_name`` selected; return (expected, actual, findings).

    A sidecar ``<case>.toml`` (pgarch-lint.toml keys) configures the run; a sidecar
    ``<case>.context.sql`` is replayed first as ``--context``.
    """
    settings, chosen, files = fixture_run(sql_path, rule_name)
    data = files[-1].data
    findings = Engine(settings, chosen).run(files).findings
    want = expected(data.decode("utf-8", "replace"))
    got: Counter[tuple[int, str]] = Counter(
        (f.line, f.rule) for f in findings if f.path == str(sql_path)
    )
    return want, got, findings


def describe(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.line}:{f.column} {f.rule}: {f.message}" for f in findings)


__all__: list[str] = [
    "describe",
    "expected",
    "expected_severities",
    "fixture_run",
    "lint_sql",
    "run_fixture",
    "severity_mismatches",
]
