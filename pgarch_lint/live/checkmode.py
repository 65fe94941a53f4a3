"""``inspect`` and ``check --dsn``: the live catalog as the thing checked, or as the context.

- :func:`snapshot_inputs` turns an introspection :class:`~pgarch_lint.live.introspect.Snapshot`
  into engine inputs (one pseudo-file per object) and a :class:`LiveCatalog` to replay them in.
- :func:`run_inspect` runs the whole-schema rules (``nodes=(EndOfRun,)``) on the live schema;
  findings point at the object's pseudo-file (``postgresql://db/table/public.orders``).
- :class:`LiveCheck` prepares ``check --dsn``: the live schema replayed as ``--context`` before
  the checked files (so "existing" is the truth), optional EXPLAIN of the checked queries, and
  afterwards :meth:`LiveCheck.finish` adds table sizes to migration-safety messages that name a
  live table and drops those on tables smaller than ``--min-table-size``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pgarch_lint.api import EndOfRun, RuleLike
from pgarch_lint.engine import Engine
from pgarch_lint.files import FileInput
from pgarch_lint.findings import Report
from pgarch_lint.live.conn import LiveError, connect, guard
from pgarch_lint.live.facts import LiveCatalog, LiveFacts, TableFacts, parse_size
from pgarch_lint.live.introspect import Snapshot, introspect

if TYPE_CHECKING:
    from pgarch_lint.config import Settings

__all__ = ["LiveCheck", "annotate_sizes", "read_snapshot", "run_inspect", "snapshot_inputs"]

DEFAULT_EXPLAIN_MIN_BYTES = 10 * 1024 * 1024
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')


def read_snapshot(dsn: str, schemas: Iterable[str] = ()) -> Snapshot:
    conn = connect(dsn)
    try:
        with guard(dsn, "introspection failed"):
            snap = introspect(conn, schemas)
            conn.rollback()
        return snap
    finally:
        conn.close()


def snapshot_inputs(snap: Snapshot, *, context: bool) -> tuple[list[FileInput], LiveCatalog]:
    inputs = [FileInput(f.path, f.text.encode(), context, f.path) for f in snap.files]
    return inputs, LiveCatalog(snap.facts)


def run_inspect(
    dsn: str,
    settings: Settings,
    rules: Sequence[RuleLike],
    known: Iterable[str],
    schemas: Iterable[str] = (),
) -> Report:
    """Whole-schema rules on the live database; findings are reported against the objects."""
    snap = read_snapshot(dsn, schemas)
    inputs, catalog = snapshot_inputs(snap, context=False)
    chosen = [r for r in rules if EndOfRun in r.nodes]
    report = Engine(settings, chosen, catalog).run(inputs, known)
    report.checked_paths = [f.path for f in inputs]
    return report


def _table_in(message: str, facts: LiveFacts) -> tuple[str, TableFacts] | None:
    """The first quoted name in ``message`` that is a live table: (quoted text, its facts)."""
    for m in _QUOTED.finditer(message):
        name = m.group(1).replace('""', '"')
        t = facts.table(name)
        if t is not None:
            return m.group(0), t
    return None


def annotate_sizes(report: Report, facts: LiveFacts, min_bytes: int | None) -> Report:
    """Size suffixes on migration-safety findings naming a live table; drop small tables."""
    out = []
    for f in report.findings:
        hit = _table_in(f.message, facts) if f.category == "migration-safety" else None
        if hit is None:
            out.append(f)
            continue
        quoted, t = hit
        if min_bytes is not None and t.total_bytes < min_bytes:
            report.summary.by_severity[f.severity] -= 1
            continue
        msg = f.message.replace(quoted, f"{quoted} ({t.label})", 1)
        out.append(replace(f, message=msg))
    report.findings = out
    return report


@dataclass
class LiveCheck:
    """The live side of one ``check --dsn`` run."""

    dsn: str
    inputs: list[FileInput]
    catalog: LiveCatalog
    min_bytes: int | None
    explain_notes: list[str]

    @classmethod
    def start(
        cls,
        dsn: str | None,
        inputs: list[FileInput],
        settings: Settings,
        *,
        min_table_size: str | None = None,
        explain: bool = False,
        explain_analyze: bool = False,
    ) -> LiveCheck:
        if dsn is None:
            opt = (
                "--explain-analyze"
                if explain_analyze
                else ("--explain" if explain else "--min-table-size")
            )
            raise LiveError(f"{opt} needs --dsn")
        min_bytes = None
        if min_table_size is not None:
            try:
                min_bytes = parse_size(min_table_size)
            except ValueError as exc:
                raise LiveError(f"--min-table-size: {exc}") from None
        snap = read_snapshot(dsn)
        ctx_inputs, catalog = snapshot_inputs(snap, context=True)
        catalog.live_facts.min_table_bytes = min_bytes
        notes: list[str] = []
        if explain or explain_analyze:
            from pgarch_lint.live.explain import explain_files

            threshold = min_bytes if min_bytes is not None else DEFAULT_EXPLAIN_MIN_BYTES
            notes = explain_files(
                dsn,
                [f for f in inputs if not f.context],
                catalog.live_facts,
                settings,
                threshold=threshold,
                analyze=explain_analyze,
            )
        return cls(dsn, [*ctx_inputs, *inputs], catalog, min_bytes, notes)

    def finish(self, report: Report) -> Report:
        return annotate_sizes(report, self.catalog.live_facts, self.min_bytes)
