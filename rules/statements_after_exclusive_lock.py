from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    LockTaken,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

_AT = enums.AlterTableType
# ALTER TABLE forms that scan or rewrite the table (slow even when the lock is already held)
_SLOW_CMDS = {
    _AT.AT_AlterColumnType,
    _AT.AT_SetNotNull,
    _AT.AT_ValidateConstraint,
    _AT.AT_SetLogged,
    _AT.AT_SetUnLogged,
    _AT.AT_SetTableSpace,
    _AT.AT_SetAccessMethod,
    _AT.AT_SetExpression,
    _AT.AT_AttachPartition,
}
_DML = (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt, ast.CopyStmt)


def _slow_alter(node: ast.Node, ctx: Context) -> bool:
    """Index builds and ALTER TABLE forms that scan or rewrite an existing table."""
    if not isinstance(node, (ast.IndexStmt, ast.AlterTableStmt)):
        return False
    if not existed_before(ctx, node.relation):
        return False  # a table created earlier in this file is empty
    if isinstance(node, ast.IndexStmt):
        return True
    for c in util.alter_cmds(node):
        if c.subtype in _SLOW_CMDS:
            return True
        if (
            c.subtype == _AT.AT_AddConstraint
            and isinstance(c.def_, ast.Constraint)
            and not c.def_.skip_validation
        ):
            return True
    return False


def _work(node: ast.Node, ctx: Context, held: LockTaken) -> str | None:
    """What the statement does that prolongs the lock, or None when it is cheap."""
    st = ctx.statement
    if st is None:
        return None
    for lk in st.locks:
        # a table this transaction locked already (strongly enough) is granted at once
        if lk.existing and not lk.same_table(held) and not lk.held_already(ctx.tx.tx_locks):
            return f"waits for {lk.mode.a_lock} on {lk.label}"
    if _slow_alter(node, ctx):
        return "scans or rewrites a table"
    if isinstance(node, _DML):
        rel = getattr(node, "relation", None)
        if rel is not None and existed_before(ctx, rel):
            return f'reads or writes rows of "{util.rv_name(rel)}"'
        sel = node.selectStmt if isinstance(node, ast.InsertStmt) else None
        if isinstance(sel, ast.SelectStmt) and sel.fromClause:
            return "copies rows from other tables"
        return None
    if isinstance(node, ast.SelectStmt) and node.fromClause:
        return "runs a query"
    if isinstance(node, (ast.DoStmt, ast.CallStmt)):
        return "runs procedural code"
    if isinstance(node, (ast.RefreshMatViewStmt, ast.ClusterStmt, ast.VacuumStmt)):
        return "rewrites or scans a relation"
    if isinstance(node, ast.CreateTableAsStmt):
        return "copies rows into a new table"
    return None


@rule(
    name="statements-after-exclusive-lock",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="more work in a transaction after a statement took ACCESS EXCLUSIVE on an existing "
    "table, which stays blocked until COMMIT",
    nodes=(AnyStatement,),
    bad="""
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    UPDATE invoices SET paid = true WHERE paid_at IS NOT NULL;
    COMMIT;
    """,
    good="""
    BEGIN;
    UPDATE invoices SET paid = true WHERE paid_at IS NOT NULL;
    COMMIT;
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    COMMIT;
    """,
    fix="""
    Keep the ACCESS EXCLUSIVE lock as short as possible:
    1. take it in the last statement of the transaction (do slow work and other locks first);
    2. or give each lock-taking statement its own transaction (or its own migration);
    3. combine several changes of one table into a single ALTER TABLE statement.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """An ACCESS EXCLUSIVE lock is held until the transaction ends, not until the statement
    that took it ends. Every statement that runs after it in the same transaction extends the
    time during which no one can even read the table; a statement that waits for another lock
    (behind a long query on a second table) or scans or rewrites data can turn a
    millisecond-long ALTER TABLE into a long outage, and taking locks on several tables in one
    transaction invites deadlocks. Statements that neither lock another existing table nor scan
    or write data (SET, GRANT, CREATE FUNCTION, COMMENT ON the same table, a quick ALTER of the
    same table) are not reported, nor are locks the transaction already holds strongly enough
    to get them at once (a COMMENT ON a table it altered before). COMMENT ON another existing
    table does wait for a lock on it (SHARE UPDATE EXCLUSIVE, which a running VACUUM or index
    build holds)."""
    tx = ctx.tx
    st = ctx.statement
    held = tx.exclusive_lock
    if st is None or st.nested or held is None or not tx.in_transaction:
        return
    work = _work(node, ctx, held)
    if work is None:
        return
    at = ctx.line_of(tx.exclusive_lock_offset) if tx.exclusive_lock_offset is not None else 0
    line = f" at line {at}" if at else ""
    yield Violation(
        f"statement {work} while {held.label} is still locked ACCESS EXCLUSIVE "
        f"(taken{line}): every query on that table waits until COMMIT",
    )
