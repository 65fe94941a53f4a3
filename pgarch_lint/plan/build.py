"""Build the lock plan: run the engine with no rule and watch each statement go by.

The engine calls :meth:`_Collector.statement` for every statement of a checked file that runs
at migration time (top level and inside DO blocks; not routine bodies), with the transaction
state and the catalog as they were *before* it. The locks are the ones the engine computed for
the rules (``Statement.locks``, from :func:`pgarch_lint.locks.locks_of`); the transaction state
after the statement comes from :func:`pgarch_lint.transaction.advance`, the function the engine
itself uses; the work from :func:`pgarch_lint.analysis.work.work_of`. Nothing here knows a lock
level of its own.

Duration estimates (``--dsn`` only) are deliberately rough ranges from the relation's total
size (heap, indexes and TOAST): a scan at 50-500 MB/s, an index build or a rewrite at
10-100 MB/s (a rewrite also rebuilds every index). They say whether a step takes milliseconds,
minutes or hours on that table, not how long it will take.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pgarch_lint import transaction
from pgarch_lint.analysis.live import LiveFacts
from pgarch_lint.analysis.work import work_of
from pgarch_lint.catalog import Catalog
from pgarch_lint.catalog.names import split_qualified
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.locks import LockTaken
from pgarch_lint.plan.model import FilePlan, PlanLock, PlanWork, Step, Window
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.api import Statement
    from pgarch_lint.config import Settings
    from pgarch_lint.transaction import TxState

__all__ = ["RATES", "build_plans", "estimate"]

MB = 1024 * 1024
#: bytes per second, (slow, fast), per kind of work (see the module docstring)
RATES = {"scan": (50 * MB, 500 * MB), "index": (10 * MB, 100 * MB), "rewrite": (10 * MB, 100 * MB)}
_CONTROL = ("TransactionStmt", "VariableSetStmt")
_TK = enums.TransactionStmtKind
_ENDS = (_TK.TRANS_STMT_COMMIT, _TK.TRANS_STMT_ROLLBACK, _TK.TRANS_STMT_PREPARE)


def estimate(kind: str, size: int | None) -> tuple[float, float] | None:
    """(fast, slow) seconds for ``kind`` of work on ``size`` bytes; None without a size."""
    if size is None or kind not in RATES:
        return None
    slow, fast = RATES[kind]
    return size / fast, size / slow


def build_plans(
    inputs: Sequence[FileInput],
    settings: Settings,
    *,
    facts: LiveFacts | None = None,
    catalog: Catalog | None = None,
) -> list[FilePlan]:
    """The plan of every checked file of ``inputs`` (context files are replayed only)."""
    engine = Engine(settings, [], catalog)
    collector = _Collector(engine, settings.pg_version, facts)
    engine.on_statement = collector.statement
    engine.run(inputs, ["-"])
    return collector.finish()


class _Collector:
    def __init__(self, engine: Engine, pg_version: int, facts: LiveFacts | None) -> None:
        self.engine = engine
        self.pg_version = pg_version
        self.facts = facts
        self.plans: dict[str, FilePlan] = {}
        self.pending: dict[str, list[Step]] = {}  # steps whose transaction is still open

    def statement(
        self,
        path: str,
        stmt: Statement,
        tx: TxState,
        position: Callable[[int], tuple[int, int]],
    ) -> None:
        node = stmt.node
        if node is None:
            return
        plan = self.plans.setdefault(path, FilePlan(path))
        cat = self.engine.catalog
        kind = type(node).__name__
        after = replace(tx)
        transaction.advance(after, node, stmt.start, stmt.locks)
        opens = kind == "TransactionStmt" and after.depth > tx.depth
        if tx.depth > 0 or opens:
            where = "explicit"
            begin = tx.begin_offset if tx.depth > 0 else stmt.start
            tx_line: int | None = position(begin or 0)[0]
        else:
            where, tx_line = ("runner", None) if tx.wrapped else ("none", None)
        step = Step(
            path=path,
            line=position(stmt.start)[0],
            end_line=position(max(stmt.end - 1, stmt.start))[0],
            text=_one_line(stmt.text),
            kind=kind,
            nested=stmt.nested,
            transaction=where,
            transaction_line=tx_line,
            locks=[self._lock(lk) for lk in stmt.locks],
            work=[
                self._work(w.kind, w.table, w.detail, w.new, w.concurrent)
                for w in work_of(node, cat, self.pg_version)
            ],
            held=[self._lock(lk) for lk in after.tx_locks] if after.in_transaction else [],
            lock_timeout=tx.lock_timeout_set,
            statement_timeout=tx.statement_timeout_set,
        )
        plan.steps.append(step)
        pending = self.pending.setdefault(path, [])
        ends = tx.in_transaction and isinstance(node, ast.TransactionStmt) and node.kind in _ENDS
        if after.in_transaction and not ends:
            pending.append(step)
        elif ends:
            word = stmt.text.split(None, 1)[0].upper() if stmt.text.strip() else "COMMIT"
            for p in pending:
                p.held_until = f"{word} at line {step.line}"
            step.held_until = "statement end"
            pending.clear()
        else:
            step.held_until = "statement end"

    def _qualified(self, name: str) -> str:
        s, n = split_qualified(name)
        k = self.engine.catalog.resolve(s, n)
        return f"{k[0]}.{k[1]}"

    def _lock(self, lk: LockTaken) -> PlanLock:
        relation = lk.table if lk.table is not None else (lk.group or f"index {lk.index}")
        qualified = self._qualified(lk.table) if lk.table is not None else None
        size = None
        if self.facts is not None and qualified is not None:
            t = self.facts.table(qualified)
            size = t.label if t is not None else None
        return PlanLock(
            relation,
            lk.mode,
            lk.existing,
            lk.index,
            lk.concurrent,
            lk.waits,
            size,
            qualified,
        )

    def _work(self, kind: str, table: str, detail: str, new: bool, concurrent: bool) -> PlanWork:
        size = None
        if self.facts is not None and not new:
            t = self.facts.table(self._qualified(table))
            size = t.total_bytes if t is not None else None
        return PlanWork(kind, table, detail, new, concurrent, size, estimate(kind, size))

    def finish(self) -> list[FilePlan]:
        for pending in self.pending.values():
            for p in pending:
                p.held_until = (
                    "end of file (the runner commits)"
                    if p.transaction == "runner"
                    else "end of file (no COMMIT)"
                )
        for plan in self.plans.values():
            plan.windows = _windows(plan.steps)
        return list(self.plans.values())


def _one_line(text: str, width: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _windows(steps: list[Step]) -> list[Window]:
    """The stretches during which writes (or reads) of a table are blocked."""
    out: list[Window] = []
    open_: dict[tuple[str, str], tuple[int, PlanLock, Step]] = {}

    def close(end: int, keys: list[tuple[str, str]]) -> None:
        for key in keys:
            start, lk, first = open_.pop(key)
            inside = [s for s in steps[start : end + 1] if s.kind not in _CONTROL]
            work = [
                f"{w.kind} of {w.table}"
                for s in inside
                for w in s.work
                if w.kind != "catalog" and not w.new
            ]
            ests = [w.estimate for s in inside for w in s.work if w.estimate is not None]
            est = (sum(e[0] for e in ests), sum(e[1] for e in ests)) if ests else None
            out.append(
                Window(
                    table=lk.qualified or lk.relation,
                    what=key[1],
                    mode=lk.mode,
                    start_line=first.line,
                    end_line=steps[end].end_line,
                    statements=len(inside),
                    work=tuple(dict.fromkeys(work)),
                    lock_timeout=first.lock_timeout,
                    statement_timeout=first.statement_timeout,
                    estimate=est,
                )
            )

    for i, s in enumerate(steps):
        for lk in s.locks:
            if not lk.existing or not lk.waits:
                continue
            for what in ("writes", "reads"):
                key = (lk.qualified or lk.relation, what)
                if what in lk.blocks and key not in open_:
                    open_[key] = (i, lk, s)
                elif what in lk.blocks and lk.mode > open_[key][1].mode:
                    open_[key] = (open_[key][0], lk, open_[key][2])
        if s.held_until == "statement end" and open_:
            close(i, list(open_))
    if open_:
        close(len(steps) - 1, list(open_))
    return out
