from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import query_prefix


@rule(
    name="insert-without-column-list",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="INSERT INTO t VALUES (...) without a column list (breaks when columns change)",
    nodes=(ast.InsertStmt,),
    bad="""
    INSERT INTO files VALUES (1, 42, 'report.pdf');
    """,
    good="""
    INSERT INTO files (id, project_id, name) VALUES (1, 42, 'report.pdf');
    INSERT INTO audit_log DEFAULT VALUES;
    """,
    fix="Name the target columns: `INSERT INTO t (a, b, c) VALUES (...)`.",
)
def check(node: ast.InsertStmt, ctx: Context) -> Iterator[Violation]:
    """Without a column list the values are matched to the table's columns by position.
    When a migration adds, drops or reorders a column (a table rebuilt by a tool, a column
    added to a table created elsewhere with another order), the statement either fails or,
    when the types happen to be compatible, silently writes values into the wrong columns.
    An explicit list also documents the statement. Tables created earlier in the same file
    are not reported: the file fixes their column order itself."""
    if node.cols or node.selectStmt is None or not isinstance(node.relation, ast.RangeVar):
        return
    if ctx.catalog.is_new(node.relation):
        return
    yield Violation(
        f'{query_prefix(ctx)}INSERT INTO "{util.rv_name(node.relation)}" without a column list depends '
        "on the table's column order",
        node=node.relation,
    )
