"""Tenancy and Row-Level Security: tenant tables, and what a policy expression says.

A *tenant table* is a table (not a partition, not temporary) that has one of the configured
tenant columns (``[tenancy] tenant-columns``, default ``["tenant_id"]``) and does not match
``[tenancy] global-tables``: :func:`tenant_column` (the column, or None), :func:`tenant_tables`
(every tenant table of the final schema, partitions skipped: their parent carries RLS and
policies for queries through it), :func:`tenant_columns` (the configured names).

Policy expressions: :func:`always_true` (a constant-true USING / WITH CHECK: ``true``,
``1 = 1``, ``'t'::boolean``...), :func:`filter_columns` (the columns an expression compares to
something that does not depend on the row: the columns an index should lead with). Which
columns every permissive policy fixes with ``=`` for a query is
:func:`pgarch_lint.analysis.queries.policy_eq_columns`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.catalog import Table
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.sql import Tree

__all__ = ["always_true", "filter_columns", "tenant_column", "tenant_columns", "tenant_tables"]


def tenant_columns(ctx: Context) -> tuple[str, ...]:
    """The configured tenant columns (``[tenancy] tenant-columns``)."""
    if ctx.settings is None:
        return ("tenant_id",)
    return tuple(ctx.settings.tenancy.tenant_columns)


def tenant_column(ctx: Context, table: Table | None) -> str | None:
    """The tenant column of ``table`` when it is a tenant table, else None."""
    if table is None or getattr(table, "persistence", "") == "temporary":
        return None
    if ctx.settings is not None and ctx.settings.tenancy.is_global(table.qualified, table.name):
        return None
    for name in tenant_columns(ctx):
        if name in table.columns:
            return str(name)
    return None


def tenant_tables(ctx: Context) -> Iterator[tuple[Table, str]]:
    """(table, tenant column) for every tenant table of the final schema (partitions skipped:
    their parent carries RLS and policies for queries through it)."""
    for t in ctx.catalog.tables():
        if t.partition_of:
            continue
        col = tenant_column(ctx, t)
        if col is not None:
            yield t, col


# --- expressions -----------------------------------------------------------------------------


def _const_value(node: Tree) -> object:
    """The Python value of a constant (A_Const, or a cast of one), else a sentinel."""
    if isinstance(node, ast.TypeCast):
        inner = _const_value(node.arg)
        names = util.names_of(node.typeName)
        if names and names[-1] in ("bool", "boolean") and isinstance(inner, str):
            low = inner.strip().lower()
            if low in ("t", "true", "y", "yes", "on", "1"):
                return True
            if low in ("f", "false", "n", "no", "off", "0"):
                return False
        return inner
    if isinstance(node, ast.A_Const):
        if node.isnull:
            return None
        v = node.val
        if isinstance(v, ast.Boolean):
            return bool(v.boolval)
        if isinstance(v, ast.Integer):
            return int(v.ival or 0)
        if isinstance(v, ast.Float):
            return str(v.fval)
        if isinstance(v, ast.String):
            return str(v.sval)
    return _NOT_CONST


_NOT_CONST = object()
_COMPARE = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "!=": lambda a, b: a != b}


def always_true(node: Tree) -> bool:
    """Whether a boolean expression is constant true: ``true``, ``'t'::boolean``, ``1 = 1``,
    ``true OR ...``, ``NOT false``, ``true AND true``."""
    if node is None:
        return False
    v = _const_value(node)
    if v is True:
        return True
    if isinstance(node, ast.BoolExpr):
        args = list(node.args or ())
        if node.boolop == enums.BoolExprType.OR_EXPR:
            return any(always_true(a) for a in args)
        if node.boolop == enums.BoolExprType.AND_EXPR:
            return bool(args) and all(always_true(a) for a in args)
        if node.boolop == enums.BoolExprType.NOT_EXPR and args:
            return _const_value(args[0]) is False
    if isinstance(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP:
        op = util.names_of(node.name)
        left, right = _const_value(node.lexpr), _const_value(node.rexpr)
        if op and op[-1] in _COMPARE and left is not _NOT_CONST and right is not _NOT_CONST:
            if left is None or right is None:
                return False
            return bool(_COMPARE[op[-1]](left, right))
    return False


def _colname(node: Tree) -> str | None:
    if isinstance(node, ast.ColumnRef):
        parts = [f.sval for f in node.fields or () if isinstance(f, ast.String)]
        if parts and len(parts) == len(node.fields or ()):
            return str(parts[-1])
    if isinstance(node, ast.TypeCast):
        return _colname(node.arg)
    return None


def _column_free(node: Tree) -> bool:
    """No column reference outside sub-selects: a constant, a setting, a function call."""
    if node is None:
        return False
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.ColumnRef):
            return False
        if isinstance(cur, ast.SubLink):
            continue  # a sub-select runs once (or is its own relation): not this row's column
        if isinstance(cur, tuple):
            stack.extend(cur)
            continue
        if isinstance(cur, ast.Node):
            for attr in getattr(cur, "__slots__", ()):
                v = getattr(cur, attr, None)
                if isinstance(v, (ast.Node, tuple)):
                    stack.append(v)
    return True


_OPS = frozenset({"=", "<", "<=", ">", ">=", "<>", "!="})


def filter_columns(node: ast.Node | None) -> list[str]:
    """Columns a policy expression compares to something that does not depend on the row
    (a constant, a setting, a function, a sub-select): ``tenant_id = current_setting(...)``,
    ``owner_id = auth.uid()``, ``tenant_id IN (SELECT ...)``. Only the top-level AND-ed terms
    count (an index on one arm of an OR cannot serve the whole condition); sub-selects are not
    entered."""
    out: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.BoolExpr):
            if cur.boolop == enums.BoolExprType.AND_EXPR:
                stack.extend(reversed(cur.args or ()))
        elif isinstance(cur, ast.A_Expr):
            op = util.names_of(cur.name)
            kind = cur.kind
            if (
                kind
                in (
                    enums.A_Expr_Kind.AEXPR_OP,
                    enums.A_Expr_Kind.AEXPR_OP_ANY,
                    enums.A_Expr_Kind.AEXPR_IN,
                )
                and op
                and op[-1] in _OPS
            ):
                for a, b in ((cur.lexpr, cur.rexpr), (cur.rexpr, cur.lexpr)):
                    col = _colname(a)
                    if col is not None and _column_free(b):
                        out.append(col)
                        break
        elif isinstance(cur, ast.SubLink) and cur.subLinkType == enums.SubLinkType.ANY_SUBLINK:
            col = _colname(cur.testexpr)
            if col is not None:
                out.append(col)
    return list(dict.fromkeys(out))
