from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._queries import prefix


def _is_not_in(node: ast.SubLink, ctx: Context) -> bool:
    parent = ctx.parents[-1] if ctx.parents else None
    if node.subLinkType == enums.SubLinkType.ANY_SUBLINK:
        return (
            isinstance(parent, ast.BoolExpr)
            and parent.boolop == enums.BoolExprType.NOT_EXPR
        )
    if node.subLinkType == enums.SubLinkType.ALL_SUBLINK:
        ops = [s.sval for s in node.operName or () if isinstance(s, ast.String)]
        return ops == ["<>"]
    return False


@rule(
    name="not-in-subquery",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="NOT IN (SELECT ...) (wrong on NULLs, not optimisable as an anti-join)",
    nodes=(ast.SubLink,),
    bad="""
    SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);
    """,
    good="""
    SELECT c.id FROM customers c
    WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);
    SELECT id FROM orders WHERE status NOT IN ('cancelled', 'refunded');
    """,
    fix="Rewrite as `NOT EXISTS (SELECT 1 FROM ... WHERE inner.col = outer.col)`, which "
    "PostgreSQL plans as an anti-join and which means what it says when NULLs appear.",
)
def check(node: ast.SubLink, ctx: Context) -> Iterator[Violation]:
    """`x NOT IN (SELECT y ...)` is NULL, not true, as soon as the subquery returns one NULL,
    so the query silently returns no rows at all: a nullable column in the subquery is a
    latent bug that waits for the first NULL. PostgreSQL also cannot turn `NOT IN` into an
    anti-join: it runs a hashed subplan if the result fits in `work_mem` and otherwise
    re-scans the subquery for every outer row, which is quadratic. `NOT EXISTS` has neither
    problem. `NOT IN` with a literal list (`NOT IN (1, 2)`) is fine and not reported;
    `<> ALL (SELECT ...)` is the same construct and is reported."""
    if node.subselect is None or not _is_not_in(node, ctx):
        return
    yield Violation(
        f"{prefix(ctx)}NOT IN (SELECT ...) returns no rows as soon as the subquery yields a NULL, "
        "and PostgreSQL cannot plan it as an anti-join; use NOT EXISTS",
        node=node,
    )
