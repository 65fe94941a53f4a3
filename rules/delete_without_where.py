from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


@rule(
    name="delete-without-where",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="DELETE without a WHERE clause, which removes every row of the table",
    nodes=(ast.DeleteStmt,),
    bad="""
    DELETE FROM sessions;
    """,
    good="""
    DELETE FROM sessions WHERE expires_at < now() - interval '30 days';
    """,
    fix="Add a WHERE clause that selects exactly the rows to delete (for a large delete, in "
    "batches); if every row really must go, say so with `WHERE true` or a suppression comment.",
)
def check(node: ast.DeleteStmt, ctx: Context) -> Iterator[Violation]:
    """A DELETE with no WHERE clause removes every row of the table: in a migration that runs
    against production, or in a query whose filter was lost in an edit, that is data loss that
    only a restore can undo. On a large table it also runs for a long time and bloats it.
    Tables created earlier in the same file are not flagged."""
    if node.whereClause is not None:
        return
    rel = node.relation
    if not isinstance(rel, ast.RangeVar) or not existed_before(ctx, rel):
        return
    using = " (USING without a WHERE joins every row)" if node.usingClause else ""
    yield Violation(
        f'DELETE FROM "{util.rv_name(rel)}" has no WHERE clause: it deletes every row of the table{using}',
        node=rel,
    )
