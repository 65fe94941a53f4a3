from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.analysis.nodes import is_star, iter_nodes
from pgarch_lint.analysis.queries import DML_ROOTS
from pgarch_lint.analysis.query_kinds import application_query
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import query_prefix


def _output_select(node: ast.SelectStmt, ctx: Context) -> bool:
    """The SELECT whose columns reach the client (or the INSERT target): the statement's
    root, a set-operation arm of it, or the query of a root INSERT ... SELECT."""
    root = ctx.statement.node if ctx.statement is not None else None
    if node is root:
        return True
    parents = ctx.parents
    i = len(parents) - 1
    cur: object = node
    while i >= 0:
        p = parents[i]
        if (
            isinstance(p, ast.SelectStmt)
            and p.op != enums.SetOperation.SETOP_NONE
            and cur in (p.larg, p.rarg)
        ):
            cur, i = p, i - 1
            continue
        break
    if cur is root:
        return True
    return isinstance(root, ast.InsertStmt) and cur is root.selectStmt


def _only_derived(entries: object, ctx: Context) -> bool:
    """Every FROM entry is a CTE reference, a subquery or a function (no base table)."""
    if not entries:
        return False
    root = ctx.statement.node if ctx.statement is not None else None
    ctes = {n.ctename for n in iter_nodes(root) if isinstance(n, ast.CommonTableExpr)}

    def derived(e: object) -> bool:
        if isinstance(e, ast.RangeVar):
            return not e.schemaname and e.relname in ctes
        if isinstance(e, ast.JoinExpr):
            return derived(e.larg) and derived(e.rarg)
        return isinstance(e, (ast.RangeSubselect, ast.RangeFunction))

    return isinstance(entries, tuple) and all(derived(e) for e in entries)


@rule(
    name="select-star",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="SELECT * in a query file (outside EXISTS)",
    nodes=(ast.SelectStmt,),
    bad="""
    SELECT * FROM orders WHERE customer_id = $1;
    """,
    good="""
    SELECT id, status, total FROM orders WHERE customer_id = $1;
    SELECT id FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.id);
    """,
    fix="List the columns the code reads. In `EXISTS (SELECT * ...)` the star is harmless.",
)
def check(node: ast.SelectStmt, ctx: Context) -> Iterator[Violation]:
    """`SELECT *` couples the application to the table's column list and order: a column added
    by a migration silently changes what the query returns (a positional scan into a struct
    breaks, an `INSERT ... SELECT *` into another table fails or, worse, shifts values into
    the wrong columns), a dropped column breaks it at run time, and every execution reads
    and ships columns nobody uses (large TOASTed `text`/`jsonb` values included), which also
    rules out index-only scans. Only application queries are reviewed: the top-level
    statements of a query file, and statements with bind parameters (`$1`); a migration's
    one-off `INSERT ... SELECT *` is frozen in time (see
    [configuration](../configuration.md#migrations-and-query-files) for how a file is told to
    be a migration or a query file). Stars inside `EXISTS (...)`, in subqueries and CTEs whose columns the outer
    query picks, and in view definitions are not reported: PostgreSQL expands a view's `*`
    once, when the view is created, so a later column does not leak into it. A star over CTEs
    and subqueries only (no table) returns columns the query itself lists. sqlc also
    expands `*` when it generates code, so there the finding is about reading unused columns."""
    if not any(is_star(getattr(t, "val", None)) for t in node.targetList or ()):
        return
    root = ctx.statement.node if ctx.statement is not None else None
    if not isinstance(root, DML_ROOTS) or not _output_select(node, ctx):
        return
    if any(
        isinstance(p, ast.SubLink) and p.subLinkType == enums.SubLinkType.EXISTS_SUBLINK
        for p in ctx.parents
    ):
        return
    if not application_query(ctx):
        return
    if _only_derived(node.fromClause, ctx):
        return  # the columns come from CTEs/subqueries of the query itself, not from a table
    star = next(t.val for t in node.targetList or () if is_star(getattr(t, "val", None)))
    yield Violation(
        f"{query_prefix(ctx)}SELECT * returns every column of the table, including columns added "
        "later; list the columns the code uses",
        node=star,
    )
