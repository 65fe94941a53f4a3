from collections.abc import Iterator

from pgarch_lint.api import AnyStatement, Category, Context, Severity, Violation, ast, rule


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


@rule(
    name="require-lock-timeout",
    aliases=("require-timeout-settings",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="the first statement taking a strong lock on an existing table with no "
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
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """Even a fast DDL statement must first acquire its lock. While it waits behind a long
    query (a report, a vacuum, an idle-in-transaction session) it sits in the lock queue, and
    every later query on the table queues behind it: a one-millisecond ALTER TABLE becomes a
    full outage for as long as the blocker runs. A lock_timeout makes the migration give up
    (and retry) instead. Only the first such statement of a file is reported; statements inside
    function bodies run when the function is called, not in the migration, and neither need a
    lock_timeout nor set the migration's."""
    tx = ctx.tx
    st = ctx.statement
    if st is None or st.deferred or tx.lock_timeout_set or tx.strong_lock_seen:
        return
    for lk in st.locks:
        if lk.existing and lk.mode.blocks_writes:
            yield Violation(
                f"takes {_article(lk.mode.label)} {lk.mode.label} lock on {lk.subject} with no "
                "lock_timeout set: while it waits for the lock, every query on the table queues "
                "behind it",
                node=lk.rel if lk.rel is not None else node,
            )
            return
