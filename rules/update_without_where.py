from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


@rule(
    name="update-without-where",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="UPDATE without a WHERE clause, which changes every row of the table",
    nodes=(ast.UpdateStmt,),
    bad="""
    UPDATE accounts SET balance = 0;
    """,
    good="""
    UPDATE accounts SET balance = 0 WHERE closed_at IS NOT NULL;
    """,
    fix="Add a WHERE clause that selects exactly the rows to change (for a large backfill, in "
    "batches by key range); if every row really must change, say so with `WHERE true` or a "
    "suppression comment.",
)
def check(node: ast.UpdateStmt, ctx: Context) -> Iterator[Violation]:
    """An UPDATE with no WHERE clause overwrites the column in every row: when the filter was
    forgotten this destroys data that only a restore brings back. Even when intended, it
    rewrites every row of the table in one transaction (a new row version each: bloat, WAL
    volume, replica lag) and locks every row until COMMIT. Tables created earlier in the same
    file are not flagged."""
    if node.whereClause is not None:
        return
    rel = node.relation
    if not isinstance(rel, ast.RangeVar) or not existed_before(ctx, rel):
        return
    join = (
        " (FROM without a WHERE pairs every row with every source row)" if node.fromClause else ""
    )
    yield Violation(
        f'UPDATE "{util.rv_name(rel)}" has no WHERE clause: it changes every row of the table{join}',
        node=rel,
    )
