"""Reporters: findings in, text out. They never see an AST.

Each format lives in ``<fmt>_reporter.py`` and exposes
``render(report, out, *, color, quiet, statistics)``; they are imported only when used.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TextIO

from pgarch_lint.findings import Finding, Report

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown")


def render(
    fmt: str,
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    mod = importlib.import_module(f"pgarch_lint.reporters.{fmt}_reporter")
    mod.render(report, out, color=color, quiet=quiet, statistics=statistics)


def finding_key(f: Finding) -> str:
    """The finding's stable identity: its fingerprint, or (if it has none) its visible parts."""
    if f.fingerprint:
        return f.fingerprint
    import hashlib

    raw = f"{f.rule}\0{f.path}\0{f.line}\0{f.column}\0{f.message}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def with_occurrence(findings: Iterable[Finding]) -> Iterator[tuple[Finding, int]]:
    """Each finding with its occurrence number among findings of the same key (0, 1, ...).

    Two identical statements in one file give two findings with the same fingerprint; the
    occurrence number tells them apart, in report order, so ids stay unique and stable.
    """
    seen: Counter[str] = Counter()
    for f in findings:
        k = finding_key(f)
        yield f, seen[k]
        seen[k] += 1


def unique_id(f: Finding, occurrence: int) -> str:
    """A stable id, unique per finding of a report (hex, 32 characters)."""
    import hashlib

    raw = f"{finding_key(f)}\0{occurrence}"
    return hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()


def rule_doc_link(rule: str, base: str | None) -> str | None:
    """Link to a built-in rule's page: ``docs/rules/<rule>.md`` or ``<base>/<rule>.md``.

    Third-party rules (``pack/rule``) have no page in this project: ``None``.
    """
    if "/" in rule:
        return None
    if base:
        return f"{base.rstrip('/')}/{rule}.md"
    return f"docs/rules/{rule}.md"
