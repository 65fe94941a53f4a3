"""What the server told us that DDL cannot: sizes, index usage, validity, query plans.

Plain data, no psycopg: a live run (``check --dsn``, :mod:`pgarch_lint.live`) reads the
facts from the server and attaches a :class:`LiveFacts` to the catalog it builds (a
``pgarch_lint.live.facts.LiveCatalog``); the live-only rules (``unused-index``,
``invalid-index``, ``seq-scan-on-large-table``, or a pack's rule declared ``live_only``) read
it through :func:`live_facts`. In a static run the catalog is a plain Catalog,
:func:`live_facts` returns None and those rules stay silent.

:class:`LiveFacts` holds per-table sizes and row estimates (:class:`TableFacts`, looked up by
``schema.name`` or a bare name), per-index usage and validity (:class:`IndexFacts`) and the
sequential scans EXPLAIN found per statement (:class:`SeqScan`). :func:`format_size`,
:func:`format_rows` and :func:`parse_size` convert sizes like ``pg_size_pretty`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "IndexFacts",
    "LiveFacts",
    "SeqScan",
    "TableFacts",
    "format_rows",
    "format_size",
    "live_facts",
    "parse_size",
]


@dataclass(frozen=True, slots=True)
class TableFacts:
    qualified: str  # schema.name
    total_bytes: int  # pg_total_relation_size: heap + indexes + TOAST
    rows: float  # reltuples; -1 when never vacuumed/analyzed

    @property
    def label(self) -> str:
        """``12 GB, 40 M rows``."""
        return f"{format_size(self.total_bytes)}, {format_rows(self.rows)}"


@dataclass(frozen=True, slots=True)
class IndexFacts:
    qualified: str  # schema.index
    table: str  # schema.table
    scans: int  # pg_stat_user_indexes.idx_scan
    valid: bool  # pg_index.indisvalid
    backs_constraint: bool  # owned by a PK/UNIQUE/EXCLUDE constraint
    size_bytes: int
    unique: bool = False


@dataclass(frozen=True, slots=True)
class SeqScan:
    """A sequential scan found in a query's plan."""

    table: str  # schema.name
    filter: str | None  # the plan's Filter text
    columns: tuple[str, ...]  # table columns the filter compares (in order)
    plan_rows: float
    total_bytes: int


@dataclass(slots=True)
class LiveFacts:
    database: str
    server_version: int
    stats_reset: str | None = None  # pg_stat_database.stats_reset (text), None: never
    tables: dict[str, TableFacts] = field(default_factory=dict)
    indexes: dict[str, IndexFacts] = field(default_factory=dict)
    # EXPLAIN results: (path, statement start offset) -> sequential scans above the threshold
    seq_scans: dict[tuple[str, int], list[SeqScan]] = field(default_factory=dict)
    min_table_bytes: int | None = None

    def table(self, name: str) -> TableFacts | None:
        """By ``schema.name``, or by bare name when only one schema has it."""
        if "." in name:
            return self.tables.get(name)
        hits = [t for q, t in self.tables.items() if q.rpartition(".")[2] == name]
        if len(hits) == 1:
            return hits[0]
        return self.tables.get(f"public.{name}")


def live_facts(catalog: object) -> LiveFacts | None:
    """The facts of a live run, or None in a static run."""
    facts = getattr(catalog, "live_facts", None)
    return facts if isinstance(facts, LiveFacts) else None


# --- sizes -------------------------------------------------------------------------------------

_UNITS = {
    "": 1,
    "b": 1,
    "bytes": 1,
    "kb": 1024,
    "mb": 1024**2,
    "gb": 1024**3,
    "tb": 1024**4,
    "k": 1024,
    "m": 1024**2,
    "g": 1024**3,
    "t": 1024**4,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")


def parse_size(text: str) -> int:
    """``10MB``, ``1.5 GB``, ``500kB``, ``8192`` → bytes (1024-based, like pg_size_bytes)."""
    m = _SIZE.fullmatch(text)
    unit = m.group(2).lower() if m else ""
    if m is None or unit not in _UNITS:
        raise ValueError(f"invalid size {text!r} (try 10MB, 1GB, 500kB)")
    return int(float(m.group(1)) * _UNITS[unit])


def format_size(n: int) -> str:
    """Like pg_size_pretty: ``8192 bytes``, ``16 kB``, ``12 MB``, ``3 GB``."""
    value = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if value < 10 * 1024 or unit == "TB":
            return f"{round(value)} {unit}"
        value /= 1024
    return f"{n} bytes"  # pragma: no cover


def format_rows(rows: float) -> str:
    """``40 M rows``, ``12 k rows``, ``57 rows``; reltuples -1 (never analyzed): ``? rows``."""
    if rows < 0:
        return "rows unknown"
    n = round(rows)
    if n >= 10_000_000_000:
        return f"{round(n / 1e9)} G rows"
    if n >= 10_000_000:
        return f"{round(n / 1e6)} M rows"
    if n >= 10_000:
        return f"{round(n / 1e3)} k rows"
    return f"{n} row" + ("" if n == 1 else "s")
