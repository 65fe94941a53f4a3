from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import (
    Category,
    Context,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)


def _first_ddl(ctx: Context) -> int | None:
    """Offset of the first statement earlier in the current file that created or altered a
    schema object, if any."""
    if ctx.statement is None:
        return None
    return ctx.catalog.first_change_in(ctx.file.path)


def _unique_columns(ctx: Context, rel: ast.RangeVar) -> set[str]:
    """Columns that alone form a primary key or unique index of the table."""
    table = ctx.catalog.table(rel)
    out: set[str] = set()
    for ix in ctx.catalog.indexes_on(table):
        cols = ix.columns
        if (ix.unique or ix.primary) and ix.predicate is None and len(cols) == 1 and cols[0]:
            out.add(cols[0])
    return out


def _is_const(node: object) -> bool:
    if isinstance(node, ast.TypeCast):
        return _is_const(node.arg)
    return isinstance(node, (ast.A_Const, ast.ParamRef))


def _pinned(where: object, keys: set[str]) -> bool:
    """The WHERE clause only selects rows by listed values of a unique column (a data fix of a
    known, small set of rows, not a backfill)."""
    if isinstance(where, ast.BoolExpr):
        args = list(where.args or ())
        if where.boolop == enums.BoolExprType.OR_EXPR:
            return bool(args) and all(_pinned(a, keys) for a in args)
        if where.boolop == enums.BoolExprType.AND_EXPR:
            return any(_pinned(a, keys) for a in args)
        return False
    if not isinstance(where, ast.A_Expr) or not isinstance(where.lexpr, ast.ColumnRef):
        return False
    fields = [f.sval for f in where.lexpr.fields or () if isinstance(f, ast.String)]
    if not fields or fields[-1] not in keys:
        return False
    op = util.names_of(where.name)
    if where.kind == enums.A_Expr_Kind.AEXPR_OP and op == ["="]:
        return _is_const(where.rexpr)
    if where.kind == enums.A_Expr_Kind.AEXPR_IN and op == ["="]:
        items = where.rexpr if isinstance(where.rexpr, (list, tuple)) else ()
        return bool(items) and all(_is_const(i) for i in items)
    return False


@rule(
    name="backfill-in-migration",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="UPDATE or DELETE of an existing table in a migration that also runs DDL",
    nodes=(ast.UpdateStmt, ast.DeleteStmt),
    bad="""
    ALTER TABLE orders ADD COLUMN status_code integer;
    UPDATE orders SET status_code = 1 WHERE status = 'open';
    """,
    good="""
    -- migration 1: the schema change only
    ALTER TABLE orders ADD COLUMN status_code integer;
    -- migration 2 (a separate file, or a script): the backfill, in batches
    """,
    fix="""
    Split schema change and data change:
    1. keep the DDL alone in its migration;
    2. backfill in a separate migration or script, in batches (e.g. `UPDATE ... WHERE id
       BETWEEN x AND y`, one transaction per batch);
    3. add constraints that depend on the data (SET NOT NULL, VALIDATE) afterwards.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """A backfill rewrites or removes many rows of a live table. When it shares a migration
    with DDL, the runner usually runs both in one transaction: the ACCESS EXCLUSIVE locks the
    DDL took stay held for the whole backfill, blocking every query on those tables, and the
    row locks of the backfill block concurrent writers until COMMIT. Without a transaction, a
    failure half way through leaves the schema changed and the data half migrated, and the
    migration cannot simply be re-run. Backfills of tables created earlier in the same file,
    DML inside function bodies, and data fixes that pick rows by listed values of a unique
    column (`WHERE id IN (1, 2)`) are not flagged."""
    st = ctx.statement
    if st is None or st.nested:
        return  # a PL/pgSQL body does not run at migration time
    rel = getattr(node, "relation", None)
    if not isinstance(rel, ast.RangeVar) or not existed_before(ctx, rel):
        return
    where = getattr(node, "whereClause", None)
    if where is not None and _pinned(where, _unique_columns(ctx, rel)):
        return
    first = _first_ddl(ctx)
    if first is None and not ctx.tx.strong_lock_seen:
        return
    verb = "UPDATE" if isinstance(node, ast.UpdateStmt) else "DELETE"
    at = f" (first DDL at line {ctx.line_of(first)})" if first is not None else ""
    tx = ctx.tx
    same_tx = tx.wrapped or (
        tx.depth > 0
        and (
            tx.exclusive_lock_table is not None
            or (first is not None and tx.begin_offset is not None and first >= tx.begin_offset)
        )
    )
    if same_tx:
        why = "it runs in the same transaction, so the DDL's locks stay held for the whole backfill"
    else:
        why = (
            "the deploy takes as long as the backfill, and a failure leaves the migration half "
            "applied"
        )
    yield Violation(
        f'{verb} of existing table "{util.rv_name(rel)}" in a migration that also runs DDL{at}: {why}',
        node=rel,
    )
