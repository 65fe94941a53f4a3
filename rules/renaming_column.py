from collections.abc import Iterator

from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_OT = enums.ObjectType


@rule(
    name="renaming-column",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="RENAME COLUMN on an existing table",
    nodes=(ast.RenameStmt,),
    bad="""
    ALTER TABLE orders RENAME COLUMN amount TO total_amount;
    """,
    good="""
    ALTER TABLE orders ADD COLUMN total_amount numeric(12,2);
    -- then: write both columns from the application, backfill, switch reads, drop "amount" later
    """,
    fix="""
    Rename in steps that old and new code both survive:
    1. add the new column and write to both (application code or a trigger);
    2. backfill the new column in batches;
    3. switch every reader to the new column and deploy;
    4. stop writing the old column, then drop it in a later migration.
    """,
)
def check(node: ast.RenameStmt, ctx: Context) -> Iterator[Violation]:
    """Renaming a column is instant, but the application instances still running during and
    after the deploy keep using the old name: their queries fail with "column does not exist"
    until every instance runs the new code. Views and functions that name the column in
    dynamic SQL or in string bodies break as well. Tables and columns created earlier in the
    same file are not flagged."""
    if node.renameType != _OT.OBJECT_COLUMN or node.relationType not in (
        _OT.OBJECT_TABLE,
        _OT.OBJECT_FOREIGN_TABLE,
    ):
        return
    rel = node.relation
    if not existed_before(ctx, rel) or column_is_new(ctx, rel, node.subname):
        return
    yield Violation(
        f'renaming column "{node.subname}" of existing table "{util.rv_name(rel)}" to "{node.newname}" '
        "breaks every running query that still uses the old name",
        node=rel,
    )
