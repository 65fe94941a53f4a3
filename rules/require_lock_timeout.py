from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.fixes import set_before_statement
from pgarch_lint.analysis.timeouts import lock_to_report
from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    Fix,
    LockMode,
    LockTaken,
    Severity,
    Violation,
    ast,
    option,
    rule,
)


def _queued(lk: LockTaken) -> str:
    """What queues behind a waiting lock that blocks writes: ACCESS EXCLUSIVE conflicts with
    every query, the others with writes (and SELECT ... FOR UPDATE)."""
    return "query on" if lk.mode == LockMode.ACCESS_EXCLUSIVE else "write to"


def _waits(ctx: Context) -> list[LockTaken]:
    """The locks on existing tables the statement queues for: not NOWAIT, not CONCURRENTLY,
    not held already by the open transaction."""
    st = ctx.statement
    if st is None:
        return []
    held = ctx.tx.tx_locks
    return [
        lk
        for lk in st.locks
        if lk.existing and lk.waits and not lk.concurrent and not lk.held_already(held)
    ]


@dataclass(frozen=True)
class Options:
    fix_value: str = option(
        "5s",
        "The lock_timeout the fix sets before the first statement that waits for a lock.",
    )


def _fix(ctx: Context) -> Fix | None:
    value = ctx.options.fix_value if ctx.options is not None else Options().fix_value
    edit = set_before_statement(ctx, "lock_timeout", value)
    return Fix.unsafe(f"Set lock_timeout = '{value}' before it", edit) if edit else None


@rule(
    name="require-lock-timeout",
    aliases=("require-timeout-settings",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="the first statement that waits for a lock on an existing table with no "
    "lock_timeout set before it",
    nodes=(AnyStatement,),
    bad="""
    ALTER TABLE orders ADD COLUMN note text;
    """,
    good="""
    SET lock_timeout = '5s';
    ALTER TABLE orders ADD COLUMN note text;
    """,
    fix="Start the migration with `SET lock_timeout = '5s';` (or `SET LOCAL` inside a "
    "transaction) and retry on timeout; if your runner sets it, say so with "
    "`lock-timeout-set-by-runner = true`.",
    options=Options,
    autofix="""
    Unsafe: `SET lock_timeout = '5s';` (the option `fix-value`) is inserted on its own line
    before the statement. Unsafe because the statement then fails instead of waiting when the
    table is busy: the migration must be retried (most runners stop on the error).
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """Even a fast DDL statement must first acquire its lock. While it waits behind a long
    query (a report, a vacuum, an idle-in-transaction session) it sits in the lock queue, and
    every later query on the table queues behind it: a one-millisecond ALTER TABLE becomes a
    full outage for as long as the blocker runs. A lock_timeout makes the migration give up
    (and retry) instead. The first statement of a file that waits for such a lock (SHARE or
    stronger: it blocks writes) is reported as a warning; REINDEX without CONCURRENTLY (also
    `REINDEX (CONCURRENTLY false)`) takes SHARE, and REINDEX SCHEMA or DATABASE takes it on
    each of their tables in turn.

    A weaker lock (COMMENT ON, which takes SHARE UPDATE EXCLUSIVE on its table or ACCESS SHARE
    for a constraint, trigger or policy comment; `LOCK TABLE ... IN ROW EXCLUSIVE MODE`; ALTER
    TABLE forms such as SET STATISTICS or VALIDATE CONSTRAINT) lets reads and writes go on
    while it waits, but the migration still hangs with no limit behind whatever holds a
    conflicting lock: the first such statement, when no stronger lock came before it, is
    reported as info. `LOCK ... NOWAIT` never waits, and the CONCURRENTLY forms (CREATE INDEX,
    DROP INDEX, REINDEX, DETACH PARTITION) are not reported: they also wait for every running
    transaction by design, and a lock_timeout would abort them half done. Tables created
    earlier in the file are new (nobody waits for them); statements inside function bodies run
    when the function is called, not in the migration, and neither need a lock_timeout nor
    set the migration's."""
    tx = ctx.tx
    st = ctx.statement
    if st is None or st.deferred or tx.lock_timeout_set:
        return
    found = lock_to_report(_waits(ctx), tx.lock_waited)
    if found is None:
        return
    lk, strong = found
    node_at = lk.rel if lk.rel is not None else node
    if strong:
        yield Violation(
            f"takes {lk.mode.a_lock} on {lk.subject} with no "
            f"lock_timeout set: while it waits for the lock, every {_queued(lk)} the "
            "table queues behind it",
            node=node_at,
            fix=_fix(ctx),
        )
    else:
        yield Violation(
            f"waits for {lk.mode.a_lock} on {lk.subject} with no lock_timeout "
            "set: reads and writes go on meanwhile, but the migration waits with no limit "
            "behind any session that holds a conflicting lock",
            node=node_at,
            severity=Severity.INFO,
            fix=_fix(ctx),
        )
