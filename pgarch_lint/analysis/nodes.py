"""Reading expressions and small AST nodes: the building blocks of the other analysis modules.

Everything here is a pure function of the node it is given (no catalog, no context):

* walking: :func:`iter_nodes` (pre-order, with node types not to enter) and
  :func:`walk_outside_sublinks` (every node not inside a ``(SELECT ...)``);
* conditions: :func:`conjuncts` (the AND-ed parts of a condition), :func:`op_name`;
* values: :func:`strip_casts`, :func:`const_of` (the Python value of a literal),
  :func:`is_null_const`, :func:`string_const`;
* names: :func:`colref_names` (the parts of a column reference), :func:`is_star`,
  :func:`func_name` / :func:`func_schema` / :func:`qualified_func_name` (of a function call),
  :func:`type_name` (the last part of a type name, lower case).

Nodes are pglast's, reached through ``pgarch_lint.api.ast``; a helper given another kind of
node than it reads returns its "nothing" value (``""``, ``None``, ``False``, ``[]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.astutil import func_name  # lower-case name of a FuncCall, without its schema
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.sql import Tree

__all__ = [
    "colref_names",
    "conjuncts",
    "const_of",
    "func_name",
    "func_schema",
    "has_column_ref",
    "is_null_const",
    "is_star",
    "iter_nodes",
    "op_name",
    "qualified_func_name",
    "string_const",
    "strip_casts",
    "type_name",
    "walk_outside_sublinks",
]


def iter_nodes(
    node: object, stop: tuple[type, ...] = (), enter_root: bool = True
) -> Iterator[ast.Node]:
    """Pre-order walk; nodes of a ``stop`` type are yielded but not entered (the first node
    yielded is entered anyway when ``enter_root``)."""
    stack: list[object] = [node]
    first = True
    while stack:
        cur = stack.pop()
        if isinstance(cur, tuple):
            stack.extend(reversed(cur))
            continue
        if not isinstance(cur, ast.Node):
            continue
        yield cur
        was_first, first = first, False
        if stop and isinstance(cur, stop) and not (was_first and enter_root):
            continue
        stack.extend(reversed(list(util.children(cur))))


def walk_outside_sublinks(node: object) -> Iterator[ast.Node]:
    """Every AST node under ``node`` that is not inside a sub-select (``(SELECT ...)``)."""
    stack: list[object] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.SubLink):
            continue
        if isinstance(cur, ast.Node):
            yield cur
            kids = []
            for attr in getattr(cur, "__slots__", ()):
                v = getattr(cur, attr, None)
                if isinstance(v, (ast.Node, tuple)):
                    kids.append(v)
            stack.extend(reversed(kids))
        elif isinstance(cur, tuple):
            stack.extend(reversed([v for v in cur if isinstance(v, (ast.Node, tuple))]))


def has_column_ref(node: object) -> bool:
    """Whether ``node`` reads a column outside sub-selects."""
    return any(isinstance(n, ast.ColumnRef) for n in walk_outside_sublinks(node))


def conjuncts(expr: ast.Node | None) -> list[ast.Node]:
    """The AND-ed parts of a condition (nested ANDs flattened)."""
    if expr is None:
        return []
    if isinstance(expr, ast.BoolExpr) and expr.boolop == enums.BoolExprType.AND_EXPR:
        out: list[ast.Node] = []
        for a in expr.args or ():
            out.extend(conjuncts(a))
        return out
    return [expr]


def op_name(node: object) -> str:
    """The operator of an ``A_Expr`` (``=``, ``<``, ``~~``...), without its schema."""
    names = [str(s.sval) for s in getattr(node, "name", None) or () if isinstance(s, ast.String)]
    return names[-1] if names else ""


def strip_casts(node: Tree) -> Tree:
    """``node`` without the casts around it (``'x'::text`` → ``'x'``)."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return node


def const_of(node: Tree) -> tuple[bool, int | str | bool | None]:
    """(True, python value) for a literal (through casts), else (False, None)."""
    node = strip_casts(node)
    if not isinstance(node, ast.A_Const):
        return False, None
    if node.isnull:
        return True, None
    v = node.val
    if isinstance(v, ast.Integer):
        return True, v.ival or 0
    if isinstance(v, ast.Float):
        return True, v.fval
    if isinstance(v, ast.Boolean):
        return True, bool(v.boolval)
    if isinstance(v, ast.String):
        return True, v.sval or ""
    if isinstance(v, ast.BitString):
        return True, v.bsval
    return True, None


def is_null_const(node: Tree) -> bool:
    """A ``NULL`` literal (through casts)."""
    node = strip_casts(node)
    return isinstance(node, ast.A_Const) and bool(node.isnull)


def string_const(node: Tree) -> str | None:
    """The text of a string literal (through casts), else None."""
    ok, v = const_of(node)
    return v if ok and isinstance(v, str) else None


def type_name(tn: object) -> str:
    """Lower-case last part of a TypeName (``timestamptz``, ``timestamp``, ``date``...)."""
    names = [str(s.sval) for s in getattr(tn, "names", None) or () if isinstance(s, ast.String)]
    return names[-1].lower() if names else ""


def func_schema(node: ast.FuncCall) -> str:
    """Lower-case schema a function call names (``""`` when unqualified)."""
    names = [str(s.sval) for s in node.funcname or () if isinstance(s, ast.String)]
    return names[-2].lower() if len(names) > 1 else ""


def qualified_func_name(call: ast.FuncCall) -> str:
    """``schema.name`` or ``name`` of a FuncCall, lower case."""
    return ".".join(p.lower() for p in util.names_of(call.funcname))


def colref_names(node: ast.ColumnRef) -> list[str] | None:
    """The name parts of a ColumnRef, or None for ``*`` / ``t.*``."""
    out: list[str] = []
    for f in node.fields or ():
        if isinstance(f, ast.String) and f.sval is not None:
            out.append(f.sval)
        else:
            return None
    return out


def is_star(node: object) -> bool:
    """``*`` or ``t.*`` in a target list."""
    return isinstance(node, ast.ColumnRef) and any(
        isinstance(f, ast.A_Star) for f in node.fields or ()
    )
