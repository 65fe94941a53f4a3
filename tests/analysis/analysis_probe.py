"""Run analysis functions inside a real engine run: a throwaway rule hands each node it is
given, with its context, to a callback, and the test collects what the callback returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pgarch_lint.api import Category as _Category
from pgarch_lint.api import Context, Severity, Violation, rule
from pgarch_lint.config import Settings
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding


def probe(
    sql: str,
    nodes: tuple[type, ...],
    fn: Callable[[Any, Context], Any],
    *,
    context: str | None = None,
    path: str = "migration.sql",
    settings: Settings | None = None,
) -> list[Any]:
    """``fn(node, ctx)`` for every node of the types ``nodes`` in ``sql`` (after replaying
    ``context`` as a --context file), in dispatch order."""
    out: list[Any] = []

    @rule(
        name="analysis-probe",
        category=_Category.QUERIES,
        severity=Severity.INFO,
        summary="probe",
        nodes=nodes,
        bad="",
        good="",
        fix="",
    )
    def check(node: Any, ctx: Context) -> Iterator[Violation]:
        """Collects what the analysis says."""
        out.append(fn(node, ctx))
        return iter(())

    run(sql, [check], context=context, path=path, settings=settings)
    return out


def run(
    sql: str,
    rules: list[Any],
    *,
    context: str | None = None,
    path: str = "migration.sql",
    settings: Settings | None = None,
) -> list[Finding]:
    """The findings of ``rules`` (Rule objects, not registered anywhere) on ``sql``."""
    files = [FileInput("context.sql", context.encode(), True)] if context else []
    files.append(FileInput(path, sql.encode()))
    return Engine(settings or Settings(), rules).run(files).findings
