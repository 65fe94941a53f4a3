from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.nodes import func_name, op_name, string_const, strip_casts
from pgarch_lint.analysis.query_kinds import runs_once
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Tree

from ._report import query_prefix

_LIKE_OPS = {"~~": "LIKE", "~~*": "ILIKE"}


def _leading_pattern(node: Tree) -> str | None:
    """The literal start of a pattern (through `||` and concat()), or None when unknown."""
    node = strip_casts(node)
    s = string_const(node)
    if s is not None:
        return s
    if (
        isinstance(node, ast.A_Expr)
        and node.kind == enums.A_Expr_Kind.AEXPR_OP
        and op_name(node) == "||"
    ):
        return _leading_pattern(node.lexpr)
    if isinstance(node, ast.FuncCall) and func_name(node) == "concat" and node.args:
        return _leading_pattern(node.args[0])
    return None


@rule(
    name="leading-wildcard-like",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="LIKE/ILIKE with a pattern starting with % (no b-tree index can be used)",
    nodes=(ast.A_Expr,),
    bad="""
    SELECT id, name FROM files WHERE name ILIKE '%' || $1 || '%';
    """,
    good="""
    SELECT id, name FROM files WHERE name LIKE $1 || '%';
    """,
    fix="For substring search create a trigram index (`CREATE EXTENSION pg_trgm; CREATE INDEX "
    "CONCURRENTLY ... USING gin (name gin_trgm_ops)`), or use full-text search; for suffix "
    "search index `reverse(name)` and query `reverse(name) LIKE reverse($1) || '%'`.",
)
def check(node: ast.A_Expr, ctx: Context) -> Iterator[Violation]:
    """A b-tree index can only serve a LIKE pattern through its fixed prefix: with a leading
    `%` (or `_`) there is no prefix, so PostgreSQL reads every row of the table and runs the
    pattern on each one. That is fine on a few thousand rows and a full scan per keystroke of
    a search box on a large table. A `pg_trgm` GIN or GiST index serves `LIKE`/`ILIKE` with
    any wildcard position. Patterns built with `||` or `concat()` are checked through their
    first literal part; a pattern that is entirely a parameter cannot be judged and is not
    reported. Statements that run once (the top-level statements of a migration, a DO block)
    are not reported either: a one-off scan is not a search box. See
    [configuration](../configuration.md#migrations-and-query-files)."""
    if node.kind not in (enums.A_Expr_Kind.AEXPR_LIKE, enums.A_Expr_Kind.AEXPR_ILIKE) and not (
        node.kind == enums.A_Expr_Kind.AEXPR_OP and op_name(node) in _LIKE_OPS
    ):
        return
    op = op_name(node)
    if op not in _LIKE_OPS:
        return  # NOT LIKE: a scan anyway, and not a search
    pat = _leading_pattern(node.rexpr)
    if not pat or pat[0] not in "%_" or runs_once(ctx):
        return
    yield Violation(
        f"{query_prefix(ctx)}{_LIKE_OPS[op]} pattern starts with a wildcard ('{pat[:20]}'): no b-tree "
        "index can serve it, every row is read",
        node=node,
    )
