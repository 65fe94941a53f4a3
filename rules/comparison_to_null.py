from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.analysis.nodes import is_null_const, op_name
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, enums, rule

from ._report import query_prefix


@rule(
    name="comparison-to-null",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="= NULL / <> NULL / != NULL (always NULL; use IS [NOT] NULL)",
    nodes=(ast.A_Expr,),
    bad="""
    SELECT id FROM files WHERE deleted_at = NULL;
    """,
    good="""
    SELECT id FROM files WHERE deleted_at IS NULL;
    UPDATE files SET deleted_at = NULL WHERE id = $1;
    """,
    fix="Write `IS NULL` / `IS NOT NULL`; to compare two values that may both be NULL use "
    "`IS [NOT] DISTINCT FROM`.",
)
def check(node: ast.A_Expr, ctx: Context) -> Iterator[Violation]:
    """In SQL, NULL means unknown, and any comparison with it (`=`, `<>`, `!=`) is NULL, which
    a WHERE clause treats as false. So `WHERE deleted_at = NULL` matches no row and `WHERE
    deleted_at <> NULL` matches no row either: the query runs, returns nothing, and the bug
    goes unnoticed until someone wonders why. (The `transform_null_equals` setting that
    rewrites `= NULL` is off by default and does not cover `<>`.) An assignment `SET col =
    NULL` is not a comparison and is not reported."""
    if node.kind != enums.A_Expr_Kind.AEXPR_OP or op_name(node) not in ("=", "<>", "!="):
        return
    if not (is_null_const(node.rexpr) or is_null_const(node.lexpr)):
        return
    other = node.lexpr if is_null_const(node.rexpr) else node.rexpr
    op = op_name(node)
    fix = "IS NULL" if op == "=" else "IS NOT NULL"
    yield Violation(
        f"{query_prefix(ctx)}`{deparse(other)} {op} NULL` is never true (the comparison yields NULL); "
        f"use `{fix}`",
        node=node,
    )
