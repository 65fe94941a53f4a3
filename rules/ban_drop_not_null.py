from collections.abc import Iterator

from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util


@rule(
    name="ban-drop-not-null",
    category=Category.COMPATIBILITY,
    severity=Severity.INFO,
    summary="ALTER COLUMN ... DROP NOT NULL on an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;
    """,
    good="""
    ALTER TABLE orders ALTER COLUMN customer_id SET DEFAULT 0;
    """,
    fix="""
    Before dropping NOT NULL, check every reader of the column (application code, reports,
    views, exports) handles NULL, and deploy those changes first; then drop it, noting the
    review in a suppression comment.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping NOT NULL is cheap for the database but changes the contract of the column:
    code that reads it (application models with non-optional fields, reports, joins, sums,
    exports) may assume a value is always there and break, or silently miscount, on the first
    NULL. It is often done to make a column droppable later, which deserves its own review.
    Tables and columns created earlier in the same file are not flagged."""
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != enums.AlterTableType.AT_DropNotNull or column_is_new(ctx, rel, cmd.name):
            continue
        yield Violation(
            f'DROP NOT NULL on column "{cmd.name}" of existing table "{util.rv_name(rel)}": code that '
            "reads it may assume it is never NULL",
            node=rel,
        )
