from collections.abc import Iterator

from pgarch_lint.analysis.fixes import add_concurrently, why_not_concurrently
from pgarch_lint.analysis.migration import origin_is_current_file
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, enums, rule, util

from ._report import q, short_name

HELP = (
    "Use DROP INDEX CONCURRENTLY, one index per statement, in a migration that does not run "
    "inside a transaction (CONCURRENTLY accepts neither several indexes nor CASCADE)."
)


@rule(
    name="require-concurrent-index-deletion",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="DROP INDEX without CONCURRENTLY on an existing table",
    nodes=(ast.DropStmt,),
    bad="""
    DROP INDEX ix_orders__status;
    """,
    good="""
    DROP INDEX CONCURRENTLY IF EXISTS ix_orders__status;
    """,
    fix=HELP,
    autofix="""
    Unsafe: `CONCURRENTLY` is added after `DROP INDEX`, for a statement that drops one index
    without CASCADE and runs outside a transaction (no open `BEGIN`, no runner transaction from
    goose or dbmate markers or `assume-in-transaction`, not in a function or DO block);
    otherwise the finding's help says why no fix is offered. Unsafe because the drop then waits
    for every transaction that uses the table, and a failed one leaves an INVALID index.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself
    is quick, but the lock must wait for every running query on the table, and while it waits
    every new read and write queues behind it: a long report turns a one-millisecond drop into
    an outage. DROP INDEX CONCURRENTLY waits for conflicting transactions without blocking
    anyone. Indexes of tables created earlier in the same file, indexes of partitioned tables
    (which cannot be dropped concurrently), and `DROP INDEX IF EXISTS` of an index that the
    replayed history proves absent (dropped or renamed away earlier, or never created in a
    schema whose history was read: a no-op; not inside a function body, which runs later) are
    not flagged; an unknown index is flagged when no history was read."""
    if node.removeType != enums.ObjectType.OBJECT_INDEX or node.concurrent:
        return
    cat = ctx.catalog
    # a function body runs when called: what the catalog knows now says nothing about then
    deferred = ctx.statement is not None and ctx.statement.deferred
    flagged: list[str] = []
    tables: list[str] = []
    for parts in util.drop_targets(node):
        ix = cat.index(".".join(parts))
        if ix is None:
            if node.missing_ok and not deferred and cat.relation_absent(".".join(parts)):
                continue  # the index does not exist: IF EXISTS makes the statement a no-op
            flagged.append(".".join(parts))
            continue
        if ix.constraint is not None:
            continue  # PostgreSQL refuses: the index belongs to a constraint
        table = cat.table_by_name(ix.table)
        rel = table if table is not None else cat.view(ix.table)
        if rel is not None and origin_is_current_file(ctx, rel):
            continue
        if table is not None and (table.partitioned or table.persistence == "temporary"):
            continue
        flagged.append(".".join(parts))
        if short_name(ix.table) not in tables:
            tables.append(short_name(ix.table))
    if not flagged:
        return
    names = ", ".join(q(n) for n in flagged)
    its = "its table" if len(flagged) == 1 else "their tables"
    where = f" on existing table {', '.join(q(t) for t in tables)}" if tables else ""
    why_not = why_not_concurrently(ctx)
    if why_not is None and (
        len(list(util.drop_targets(node))) > 1 or node.behavior == enums.DropBehavior.DROP_CASCADE
    ):
        why_not = "CONCURRENTLY drops one index per statement, without CASCADE: split it"
    fix = None
    if why_not is None:
        edit = add_concurrently(ctx, "drop-index")
        fix = Fix.unsafe("Add CONCURRENTLY", edit) if edit is not None else None
    yield Violation(
        f"DROP INDEX {names}{where} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
        f"{its}: while it waits for running queries, every read and write queues behind it",
        help=HELP if why_not is None else f"{HELP}\nNo automatic fix: {why_not}.",
        fix=fix,
    )
