from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import definition_known, relation_in_use
from pgarch_lint.analysis.migration import column_is_new
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q


@rule(
    name="ban-drop-generated-expression",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER COLUMN ... DROP EXPRESSION on an existing table",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE order_lines ALTER COLUMN line_total DROP EXPRESSION;
    """,
    good="""
    CREATE TABLE quote_lines (
        id bigint PRIMARY KEY,
        quantity integer NOT NULL,
        unit_price numeric NOT NULL,
        line_total numeric GENERATED ALWAYS AS (quantity * unit_price) STORED
    );
    ALTER TABLE quote_lines ALTER COLUMN line_total DROP EXPRESSION;
    """,
    fix="""
    Turn a generated column into an ordinary one in two releases:
    1. make every application version you may still run or roll back to write the column
       itself (or keep it computed by a trigger while old versions run), and deploy that;
    2. drop the expression in a later migration, with a suppression comment that records why
       it is safe.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """`DROP EXPRESSION` turns a generated column into an ordinary one: it keeps the values it
    has, but nothing computes it any more. The application version still running during the
    deploy, or the one you roll back to, never writes the column (it could not), so the rows
    it inserts get NULL there and the rows it updates keep a stale value, and every reader
    that trusted the column to match its expression now gets wrong answers. A rollback of the
    application does not restore the expression. Not reported: tables and columns created
    earlier in the same file (or migration unit); `DROP EXPRESSION IF EXISTS` of a column the
    catalog knows is not generated (the statement does nothing)."""
    if node.objtype != enums.ObjectType.OBJECT_TABLE:
        return
    rel = node.relation
    if not relation_in_use(ctx, rel, node.missing_ok):
        return
    table = ctx.catalog.table(rel) if isinstance(rel, ast.RangeVar) else None
    for cmd in util.alter_cmds(node):
        if cmd.subtype != enums.AlterTableType.AT_DropExpression:
            continue
        if column_is_new(ctx, rel, cmd.name):
            continue
        col = ctx.catalog.column(table, cmd.name or "")
        if cmd.missing_ok and definition_known(ctx, table) and (col is None or not col.generated):
            continue  # IF EXISTS, and there is no expression to drop
        expr = f" AS ({col.generated_expr})" if col is not None and col.generated_expr else ""
        null = "fail (NOT NULL)" if col is not None and col.not_null else "get NULL in it"
        yield Violation(
            f"dropping the generation expression{expr} of column {q(cmd.name or '?')} of "
            f"existing table {q(util.rv_name(rel))}: inserts from the version still running or "
            f"the one you roll back to {null}, and its updates leave the column stale; make "
            "every version write it first",
            node=rel,
        )
