from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule


def _concurrent_op(node: object) -> str | None:
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt) and any(
        isinstance(p, ast.DefElem) and p.defname == "concurrently" for p in node.params or ()
    ):
        return "REINDEX CONCURRENTLY"
    if isinstance(node, ast.AlterTableStmt):
        for c in node.cmds or ():
            if (
                isinstance(c, ast.AlterTableCmd)
                and c.subtype == enums.AlterTableType.AT_DetachPartition
                and isinstance(c.def_, ast.PartitionCmd)
                and c.def_.concurrent
            ):
                return "DETACH PARTITION CONCURRENTLY"
    return None


@rule(
    name="ban-concurrent-index-creation-in-transaction",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="a CONCURRENTLY operation inside a transaction (PostgreSQL rejects it)",
    nodes=(ast.IndexStmt, ast.DropStmt, ast.ReindexStmt, ast.AlterTableStmt),
    bad="""
    BEGIN;
    CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);
    COMMIT;
    """,
    good="""
    -- +goose NO TRANSACTION
    -- +goose Up
    CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);
    """,
    fix="Run the statement in a migration that is not wrapped in a transaction: no BEGIN, and "
    "tell the runner (`-- +goose NO TRANSACTION`, dbmate `-- migrate:up transaction:false`, "
    "Flyway `executeInTransaction=false`, Diesel `run_in_transaction = false`).",
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH
    PARTITION CONCURRENTLY cannot run inside a transaction block: PostgreSQL fails with
    "cannot run inside a transaction block". The deployment stops at that statement, and with a
    runner that wraps the file the whole migration is rolled back. DO blocks and functions always
    run inside a transaction, so these statements cannot be used there either."""
    op = _concurrent_op(node)
    if op is None or ctx.statement is None or node is not ctx.statement.node:
        return
    tx = ctx.tx
    if ctx.statement.nested:
        why = "inside a DO block or function body, which always runs in a transaction"
    elif tx.depth > 0:
        at = ctx.line_of(tx.begin_offset) if tx.begin_offset is not None else 0
        why = f"inside the transaction opened by BEGIN at line {at}"
    elif tx.wrapped:
        why = (
            "in a file the migration runner wraps in a transaction "
            f"({'by its markers' if ctx.file.tool in ('goose', 'dbmate') else 'assume-in-transaction'})"
        )
    else:
        return
    yield Violation(f"{op} {why}: PostgreSQL rejects it and the deployment fails")
