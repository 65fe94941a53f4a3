from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.api import AnyStatement, Category, Context, Severity, Violation, ast, option, rule


@dataclass(frozen=True)
class Options:
    set_by_runner: bool = option(
        False,
        "The migration runner (or the migration role's settings) already sets "
        "statement_timeout for every migration: never report.",
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


@rule(
    name="require-statement-timeout",
    aliases=("require-timeout-settings",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="the first statement taking a strong lock on an existing table with no "
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
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """A statement that holds a lock which blocks writes (or reads) keeps every other session
    waiting for as long as it runs. A lock_timeout only bounds the wait for the lock; once the
    lock is granted, a statement that turns out slower than expected (a scan, a rewrite, a
    validation on a table that grew) holds it with no limit. A statement_timeout cancels the
    migration instead of prolonging the outage. Only the first such statement of a file is
    reported; statements inside function bodies (run when the function is called) are not
    checked and do not count."""
    if ctx.options is not None and ctx.options.set_by_runner:
        return
    tx = ctx.tx
    st = ctx.statement
    if st is None or st.deferred or tx.statement_timeout_set or tx.strong_lock_seen:
        return
    for lk in st.locks:
        if lk.existing and lk.mode.blocks_writes:
            yield Violation(
                f"takes {_article(lk.mode.label)} {lk.mode.label} lock on {lk.subject} with no "
                "statement_timeout set: if it runs long, the table stays blocked for as long as "
                "it runs",
                node=lk.rel if lk.rel is not None else node,
            )
            return
