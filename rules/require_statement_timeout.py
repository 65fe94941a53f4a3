from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.fixes import set_before_statement
from pgarch_lint.analysis.timeouts import lock_to_report
from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    Fix,
    LockTaken,
    Severity,
    Violation,
    ast,
    option,
    rule,
)


@dataclass(frozen=True)
class Options:
    set_by_runner: bool = option(
        False,
        "The migration runner (or the migration role's settings) already sets "
        "statement_timeout for every migration: never report.",
    )
    fix_value: str = option(
        "15min",
        "The statement_timeout the fix sets before the first statement that takes a lock.",
    )


def _fix(ctx: Context) -> Fix | None:
    value = ctx.options.fix_value if ctx.options is not None else Options().fix_value
    edit = set_before_statement(ctx, "statement_timeout", value)
    return Fix.unsafe(f"Set statement_timeout = '{value}' before it", edit) if edit else None


def _locks(ctx: Context) -> list[LockTaken]:
    """The locks the statement takes on existing tables, NOWAIT and CONCURRENTLY forms aside
    (a lock the transaction holds already counts: the statement may still run long)."""
    st = ctx.statement
    if st is None:
        return []
    return [lk for lk in st.locks if lk.existing and lk.waits and not lk.concurrent]


@rule(
    name="require-statement-timeout",
    aliases=("require-timeout-settings",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="the first statement that takes a lock on an existing table with no "
    "statement_timeout set before it",
    nodes=(AnyStatement,),
    default=False,
    strict=True,
    options=Options,
    bad="""
    ALTER TABLE orders ADD COLUMN note text;
    """,
    good="""
    SET statement_timeout = '5s';
    ALTER TABLE orders ADD COLUMN note text;
    """,
    fix="""
    Put `SET statement_timeout = '5s';` (or `SET LOCAL statement_timeout` inside a transaction)
    at the top of the migration, next to `SET lock_timeout`, and retry when it times out. Raise
    it (or set it to 0 just before) for statements that are slow by design, such as
    CREATE INDEX CONCURRENTLY. If your runner sets it, configure `set-by-runner = true`.
    """,
    autofix="""
    Unsafe: `SET statement_timeout = '15min';` (the option `fix-value`) is inserted on its own
    line before the statement. Unsafe because a statement that runs longer (an index build on
    a big table) is then cancelled: choose a value that fits your largest table.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """A statement that holds a lock which blocks writes (or reads) keeps every other session
    waiting for as long as it runs. A lock_timeout only bounds the wait for the lock; once the
    lock is granted, a statement that turns out slower than expected (a scan, a rewrite, a
    validation on a table that grew) holds it with no limit. A statement_timeout cancels the
    migration instead of prolonging the outage. The first statement of a file that takes such
    a lock (SHARE or stronger) is reported as a warning.

    A weaker lock (COMMENT ON, `LOCK TABLE ... IN ROW EXCLUSIVE MODE`, ALTER TABLE forms such as
    SET STATISTICS or VALIDATE CONSTRAINT) blocks neither reads nor writes, but nothing limits
    how long the statement waits for it or runs: the first such statement, when no stronger
    lock came before it, is reported as info. A lock the transaction holds already counts
    too: the statement may still run long while holding it. `LOCK ... NOWAIT` (granted or
    refused at once, with nothing for a timeout to bound) and the CONCURRENTLY forms (slow by
    design, and a timeout would abort them half done) are not reported. Statements inside
    function bodies (run when the function is called) are not checked and do not count."""
    if ctx.options is not None and ctx.options.set_by_runner:
        return
    tx = ctx.tx
    st = ctx.statement
    if st is None or st.deferred or tx.statement_timeout_set:
        return
    found = lock_to_report(_locks(ctx), tx.lock_taken)
    if found is None:
        return
    lk, strong = found
    node_at = lk.rel if lk.rel is not None else node
    if strong:
        yield Violation(
            f"takes {lk.mode.a_lock} on {lk.subject} with no "
            "statement_timeout set: if it runs long, the table stays blocked for as long as "
            "it runs",
            node=node_at,
            fix=_fix(ctx),
        )
    else:
        yield Violation(
            f"takes {lk.mode.a_lock} on {lk.subject} with no "
            "statement_timeout set: reads and writes go on, but nothing limits how long the "
            "statement waits for the lock or runs",
            node=node_at,
            severity=Severity.INFO,
            fix=_fix(ctx),
        )
