from collections.abc import Iterator

from pgarch_lint.api import Category, Context, EndOfFile, Severity, Violation, rule


@rule(
    name="ban-uncommitted-transaction",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="a BEGIN that is never committed or rolled back in the file",
    nodes=(EndOfFile,),
    bad="""
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    """,
    good="""
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    COMMIT;
    """,
    fix="End the transaction with COMMIT (or ROLLBACK) in the same file.",
)
def check(ev: EndOfFile, ctx: Context) -> Iterator[Violation]:
    """A transaction left open at the end of a migration is either rolled back when the session
    ends (the migration silently did nothing) or kept open by a runner that reuses the session,
    holding every lock it took and blocking the tables it touched until someone notices."""
    if ctx.tx.depth > 0 and ctx.tx.begin_offset is not None:
        yield Violation(
            "BEGIN is never committed or rolled back in this file: its changes are lost (or its "
            "locks held) when the session ends",
            start=ctx.tx.begin_offset,
        )
