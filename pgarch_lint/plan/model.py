"""The lock plan's data: steps, locks, work, the windows in which a table is blocked.

Plain dataclasses: :mod:`pgarch_lint.plan.build` fills them, :mod:`pgarch_lint.plan.render`
prints them (text, markdown) and :func:`plan_json` turns them into the documented JSON
(``docs/plan.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pgarch_lint.locks import LockMode

__all__ = [
    "JSON_FORMAT_VERSION",
    "FilePlan",
    "PlanLock",
    "PlanWork",
    "Step",
    "Window",
    "blocks",
    "plan_json",
]

JSON_FORMAT_VERSION = 1


def blocks(mode: LockMode) -> tuple[str, ...]:
    """What a lock of ``mode`` makes other sessions wait for, in plain words (PostgreSQL's
    table of conflicting lock modes, read from :attr:`LockMode.conflicts`). Every mode blocks
    ``ALTER TABLE``, ``DROP`` and the other statements that take ACCESS EXCLUSIVE."""
    c = mode.conflicts
    if LockMode.ACCESS_SHARE in c:
        return ("reads", "writes")
    if LockMode.ROW_EXCLUSIVE in c:
        return ("writes", "SELECT FOR UPDATE") if LockMode.ROW_SHARE in c else ("writes",)
    if LockMode.SHARE_UPDATE_EXCLUSIVE in c:
        return ("VACUUM", "schema changes")
    if LockMode.SHARE in c:
        return ("CREATE INDEX", "schema changes")
    return ("schema changes",)


@dataclass(frozen=True, slots=True)
class PlanLock:
    """A lock a statement takes (or a transaction holds) on a relation."""

    relation: str  # as written; 'the table of index "x"' or a group when not one table
    mode: LockMode
    existing: bool  # False: created earlier in the file (nobody else can see it yet)
    index: str | None = None  # taken through this index
    concurrent: bool = False  # a CONCURRENTLY form (waits for older transactions too)
    waits: bool = True  # False: NOWAIT (fails at once instead of queueing)
    size: str | None = None  # with --dsn: "12 GB, 40 M rows"
    qualified: str | None = None  # the relation resolved by the catalog (schema.name)

    @property
    def blocks(self) -> tuple[str, ...]:
        return blocks(self.mode)


@dataclass(frozen=True, slots=True)
class PlanWork:
    """What the statement does to a table's rows (:mod:`pgarch_lint.analysis.work`)."""

    kind: str  # rewrite | scan | index | catalog
    table: str
    detail: str
    new: bool = False
    concurrent: bool = False
    size_bytes: int | None = None  # with --dsn
    estimate: tuple[float, float] | None = None  # seconds, (fast, slow); with --dsn


@dataclass(slots=True)
class Step:
    """One statement of a file, in order."""

    path: str
    line: int
    end_line: int
    text: str  # the statement, on one line, shortened
    kind: str  # statement type: AlterTableStmt...
    nested: bool  # inside a DO block
    transaction: str  # "none" | "runner" | "explicit"
    transaction_line: int | None  # the line of the open BEGIN
    locks: list[PlanLock] = field(default_factory=list)
    work: list[PlanWork] = field(default_factory=list)
    held: list[PlanLock] = field(default_factory=list)  # held after the statement
    held_until: str = ""  # "statement end", "COMMIT at line 12", "end of file (runner)"
    lock_timeout: bool = False
    statement_timeout: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of a file during which other sessions cannot write (or read) a table."""

    table: str
    what: str  # "writes" | "reads"
    mode: LockMode
    start_line: int
    end_line: int
    statements: int  # statements run while it lasts
    work: tuple[str, ...]  # the rewrites, scans and index builds inside it
    lock_timeout: bool  # the lock was requested with lock_timeout set
    statement_timeout: bool
    estimate: tuple[float, float] | None = None  # seconds, with --dsn


@dataclass(slots=True)
class FilePlan:
    """The plan of one file, with its summary."""

    path: str
    steps: list[Step] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)

    @property
    def strongest(self) -> tuple[LockMode | None, list[str]]:
        """The strongest lock any statement takes on an existing relation, and on which."""
        best: LockMode | None = None
        on: list[str] = []
        for s in self.steps:
            for lk in s.locks:
                if not lk.existing:
                    continue
                if best is None or lk.mode > best:
                    best, on = lk.mode, [lk.relation]
                elif lk.mode == best and lk.relation not in on:
                    on.append(lk.relation)
        return best, on

    def longest(self, what: str) -> Window | None:
        found = [w for w in self.windows if w.what == what]
        if not found:
            return None
        return max(found, key=_weight)


_RANK = {"scan": 1, "index": 2, "rewrite": 3}


def _weight(w: Window) -> tuple[float, int, int]:
    """How long a window lasts: estimated seconds (with --dsn), then the heaviest work inside
    it, then how many statements it spans."""
    heaviest = max((_RANK.get(x.split(" ", 1)[0], 0) for x in w.work), default=0)
    return (w.estimate[1] if w.estimate else 0.0, heaviest, w.statements)


# --- JSON ----------------------------------------------------------------------------------


def _lock(lk: PlanLock) -> dict[str, Any]:
    return {
        "relation": lk.relation,
        "mode": lk.mode.label,
        "existing": lk.existing,
        "index": lk.index,
        "concurrent": lk.concurrent,
        "waits": lk.waits,
        "blocks": list(lk.blocks),
        "size": lk.size,
        "qualified": lk.qualified,
    }


def _work(w: PlanWork) -> dict[str, Any]:
    return {
        "kind": w.kind,
        "table": w.table,
        "detail": w.detail,
        "new": w.new,
        "concurrent": w.concurrent,
        "size_bytes": w.size_bytes,
        "estimate_seconds": list(w.estimate) if w.estimate else None,
    }


def _window(w: Window | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {
        "table": w.table,
        "blocks": w.what,
        "mode": w.mode.label,
        "start_line": w.start_line,
        "end_line": w.end_line,
        "statements": w.statements,
        "work": list(w.work),
        "lock_timeout": w.lock_timeout,
        "statement_timeout": w.statement_timeout,
        "estimate_seconds": list(w.estimate) if w.estimate else None,
    }


def plan_json(plans: list[FilePlan], *, live: bool) -> dict[str, Any]:
    """The plans as the JSON document ``docs/plan.md`` describes."""
    files = []
    for p in plans:
        mode, on = p.strongest
        files.append(
            {
                "path": p.path,
                "statements": [
                    {
                        "line": s.line,
                        "end_line": s.end_line,
                        "text": s.text,
                        "kind": s.kind,
                        "nested": s.nested,
                        "transaction": s.transaction,
                        "transaction_line": s.transaction_line,
                        "lock_timeout": s.lock_timeout,
                        "statement_timeout": s.statement_timeout,
                        "locks": [_lock(lk) for lk in s.locks],
                        "work": [_work(w) for w in s.work],
                        "held_after": [_lock(lk) for lk in s.held],
                        "held_until": s.held_until,
                    }
                    for s in p.steps
                ],
                "summary": {
                    "strongest_lock": mode.label if mode else None,
                    "strongest_on": on,
                    "longest_write_block": _window(p.longest("writes")),
                    "longest_read_block": _window(p.longest("reads")),
                    "windows": [_window(w) for w in p.windows],
                },
            }
        )
    return {"format_version": JSON_FORMAT_VERSION, "live": live, "files": files}
