"""Small readers of parse-tree nodes, for the replay (private to the catalog package).

Each turns a piece of a statement's tree into the plain values the object model stores:
texts, qualified-name parts, role names, option dicts, index keys, partition bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog.names import shared
from pgarch_lint.catalog.objects import IndexKey
from pgarch_lint.catalog.types import value_text
from pgarch_lint.sql import ast, deparse, walk

if TYPE_CHECKING:
    from pgarch_lint.sql import Tree

__all__ = [
    "apply_attr",
    "defelems",
    "enum_name",
    "figure_colname",
    "index_key",
    "partbound_text",
    "proves_not_null",
    "qualified_parts",
    "referenced_columns",
    "role_name",
    "texts_of",
    "value_text",
]

# Lists in a pglast tree are tuples whose items its stubs leave untyped (``tuple[Any, ...]``):
# readers of lists take ``Iterable[Any] | None``, and :func:`value_text` takes any value.


def texts_of(items: Iterable[Any] | None) -> list[str]:
    """:func:`value_text` of each item (``[]`` for None)."""
    return [shared(value_text(x)) for x in (items or ())]


def enum_name(value: object) -> str:
    """The member name of a pglast enum value (``"OBJECT_TABLE"``), or the value as text."""
    return str(getattr(value, "name", value))


def qualified_parts(names: Iterable[Any] | None) -> tuple[str | None, str]:
    """A list of name nodes as ``(schema or None, name)`` (the last two parts)."""
    parts = texts_of(names)
    if not parts:
        return None, ""
    if len(parts) == 1:
        return None, parts[0]
    return parts[-2], parts[-1]


def figure_colname(node: ast.Node | None) -> str:
    """PostgreSQL's ``FigureColname``: the column name a SELECT gives an expression."""
    if isinstance(node, ast.ColumnRef):
        last = node.fields[-1] if node.fields else None
        return value_text(last) if isinstance(last, ast.String) else "expr"
    if isinstance(node, ast.FuncCall):
        return value_text(node.funcname[-1]) if node.funcname else "expr"
    if isinstance(node, ast.TypeCast):
        inner = figure_colname(node.arg)
        if inner != "expr":
            return inner
        if node.typeName and node.typeName.names:
            return value_text(node.typeName.names[-1])
        return "expr"
    if isinstance(node, ast.CoalesceExpr):
        return "coalesce"
    if isinstance(node, ast.CaseExpr):
        return "case"
    if isinstance(node, ast.MinMaxExpr):
        return "greatest" if enum_name(node.op) == "IS_GREATEST" else "least"
    return "expr"


def referenced_columns(node: ast.Node) -> list[str]:
    """Distinct column names referenced by an expression, in order of appearance."""
    out: list[str] = []
    for n, _ in walk(node):
        if isinstance(n, ast.ColumnRef) and n.fields:
            last = n.fields[-1]
            if isinstance(last, ast.String) and (name := value_text(last)) not in out:
                out.append(name)
    return out


def proves_not_null(expr: ast.Node | None, column: str) -> bool:
    """Whether a CHECK expression is (or AND-s) ``column IS NOT NULL``."""
    if isinstance(expr, ast.NullTest):
        arg = expr.arg
        fields: Any = getattr(arg, "fields", None)
        return (
            enum_name(expr.nulltesttype) == "IS_NOT_NULL"
            and isinstance(arg, ast.ColumnRef)
            and bool(fields)
            and value_text(fields[-1]) == column
        )
    if isinstance(expr, ast.BoolExpr) and enum_name(expr.boolop) == "AND_EXPR":
        return any(proves_not_null(a, column) for a in expr.args or ())
    return False


def role_name(spec: ast.Node | None) -> str:
    """A RoleSpec as a name: ``public``, ``current_user``... or the role's name."""
    if isinstance(spec, ast.RoleSpec):
        kind = enum_name(spec.roletype)
        if kind == "ROLESPEC_PUBLIC":
            return "public"
        if kind == "ROLESPEC_CURRENT_USER":
            return "current_user"
        if kind == "ROLESPEC_SESSION_USER":
            return "session_user"
        if kind == "ROLESPEC_CURRENT_ROLE":
            return "current_role"
        return spec.rolename or ""
    return value_text(spec)


def defelems(options: Iterable[Any] | None) -> dict[str, Tree]:
    """A list of DefElem nodes as ``{defname: arg}`` (the arg a value node, a list or None)."""
    out: dict[str, Tree] = {}
    for d in options or ():
        if isinstance(d, ast.DefElem) and d.defname:
            out[d.defname] = d.arg
    return out


def index_key(e: ast.IndexElem) -> IndexKey:
    """An IndexElem as an :class:`IndexKey`."""
    k = IndexKey()
    if e.name:
        k.column = shared(e.name)
    elif e.expr is not None:
        k.expression = deparse(e.expr)
    if e.opclass:
        k.opclass = ".".join(texts_of(e.opclass))
    order = enum_name(e.ordering)
    k.ordering = {"SORTBY_ASC": "asc", "SORTBY_DESC": "desc"}.get(order)
    nulls = enum_name(e.nulls_ordering)
    k.nulls = {"SORTBY_NULLS_FIRST": "first", "SORTBY_NULLS_LAST": "last"}.get(nulls)
    if e.collation:
        k.collation = ".".join(texts_of(e.collation))
    return k


def apply_attr(con: ast.Constraint, ct: str) -> None:
    """Apply a constraint attribute clause (DEFERRABLE, NOT ENFORCED...) that follows a
    column constraint to that constraint's node."""
    if ct == "CONSTR_ATTR_DEFERRABLE":
        con.deferrable = True
    elif ct == "CONSTR_ATTR_NOT_DEFERRABLE":
        con.deferrable = False
    elif ct == "CONSTR_ATTR_DEFERRED":
        con.initdeferred = True
    elif ct == "CONSTR_ATTR_IMMEDIATE":
        con.initdeferred = False
    elif ct == "CONSTR_ATTR_NOT_ENFORCED":
        con.is_enforced = False
        con.skip_validation = True
        con.initially_valid = False
    elif ct == "CONSTR_ATTR_ENFORCED":
        con.is_enforced = True


def partbound_text(pb: ast.PartitionBoundSpec | None) -> str:
    """A partition bound as text: ``FOR VALUES`` ``IN (...)``, ``FROM (...) TO (...)``,
    ``WITH (MODULUS m, REMAINDER r)``, or ``DEFAULT``."""
    if pb is None:
        return ""
    if pb.is_default:
        return "DEFAULT"
    s = pb.strategy
    if s == "l":
        return "IN (" + ", ".join(deparse(x) for x in pb.listdatums or ()) + ")"
    if s == "r":
        lo = ", ".join(deparse(x) for x in pb.lowerdatums or ())
        hi = ", ".join(deparse(x) for x in pb.upperdatums or ())
        return f"FROM ({lo}) TO ({hi})"
    if s == "h":
        return f"WITH (MODULUS {pb.modulus}, REMAINDER {pb.remainder})"
    return ""
