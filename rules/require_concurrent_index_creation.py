from collections.abc import Iterator

from pgarch_lint.analysis.fixes import add_concurrently, why_not_concurrently
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, rule

HELP = (
    "Build the index with CREATE INDEX CONCURRENTLY, in a migration that does not run inside "
    "a transaction. If a concurrent build fails it leaves an INVALID index: drop it "
    "(DROP INDEX CONCURRENTLY) and retry."
)


@rule(
    name="require-concurrent-index-creation",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="CREATE INDEX without CONCURRENTLY on an existing table",
    nodes=(ast.IndexStmt,),
    bad="""
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    """,
    good="""
    CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);
    """,
    fix=HELP,
    autofix="""
    Unsafe: `CONCURRENTLY` is added after `CREATE [UNIQUE] INDEX`. Offered only when the
    statement runs outside a transaction (no open `BEGIN`, no runner transaction from goose or
    dbmate markers or `assume-in-transaction`, not in a function or DO block); otherwise the
    finding's help says why no fix is offered. Unsafe because a concurrent build takes longer,
    and a failed one leaves an INVALID index behind to drop.
    """,
)
def check(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    """A plain CREATE INDEX takes a SHARE lock on the table for the whole build: reads go on,
    but every INSERT, UPDATE and DELETE waits until the index is finished, which on a large
    table is minutes to hours of write outage. CREATE INDEX CONCURRENTLY builds the index in
    several passes under a SHARE UPDATE EXCLUSIVE lock that does not block writes. Tables
    created earlier in the same file are empty, so they are not flagged."""
    if node.concurrent or not isinstance(node.relation, ast.RangeVar):
        return
    if ctx.catalog.is_new(node.relation):
        return
    table = ctx.catalog.table(node.relation)
    if table is not None and getattr(table, "partitioned", False):
        return  # CONCURRENTLY is impossible there: see concurrent-index-on-partitioned-table
    name = f'"{node.idxname}" ' if node.idxname else ""
    rel = node.relation
    tname = f"{rel.schemaname}.{rel.relname}" if rel.schemaname else rel.relname
    fix = None
    why_not = why_not_concurrently(ctx)
    if why_not is None:
        edit = add_concurrently(ctx, "create-index")
        fix = Fix.unsafe("Add CONCURRENTLY", edit) if edit is not None else None
    yield Violation(
        f'CREATE INDEX {name}on existing table "{tname}" takes a SHARE lock that blocks writes '
        "for the whole build",
        node=node.relation,
        help=HELP if why_not is None else f"{HELP}\nNo automatic fix: {why_not}.",
        fix=fix,
    )
