from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Edit, EndOfFile, Fix, Severity, Violation, rule


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
    autofix="""
    Safe: `COMMIT;` is appended at the end of the file (what the author meant in almost every
    case; if the changes were meant to be discarded, write ROLLBACK instead).
    """,
)
def check(ev: EndOfFile, ctx: Context) -> Iterator[Violation]:
    """A transaction left open at the end of a migration is either rolled back when the session
    ends (the migration silently did nothing) or kept open by a runner that reuses the session,
    holding every lock it took and blocking the tables it touched until someone notices."""
    if ctx.tx.depth > 0 and ctx.tx.begin_offset is not None:
        fix = None
        text = ctx.source_text()
        if text is not None:
            end = len(text)
            sep = "" if text.endswith("\n") or not text else "\n"
            fix = Fix.safe("Append COMMIT", Edit(end, end, f"{sep}COMMIT;\n"))
        yield Violation(
            "BEGIN is never committed or rolled back in this file: its changes are lost (or its "
            "locks held) when the session ends",
            start=ctx.tx.begin_offset,
            fix=fix,
        )
