"""CREATE [OR REPLACE] FUNCTION / PROCEDURE and ALTER FUNCTION / PROCEDURE / ROUTINE, and how
other statements name a routine (``name(argtypes)``, an ObjectWithArgs node)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog.nodes import enum_name, qualified_parts, value_text
from pgarch_lint.catalog.objects import Function
from pgarch_lint.catalog.types import normalize_type
from pgarch_lint.sql import ast, deparse

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog


def match_functions(cat: Catalog, owa: ast.ObjectWithArgs) -> list[Function]:
    """The routines an ObjectWithArgs names (every overload when no arguments are given)."""
    s, n = qualified_parts(owa.objname)
    want = None if owa.args_unspecified else tuple(normalize_type(a) for a in owa.objargs or ())
    return cat.functions_matching(s, n, want)


def _argtypes(params: tuple[Any, ...] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    types: list[str] = []
    names: list[str] = []
    for p in params or ():
        mode = str(getattr(p.mode, "value", p.mode) or "i")
        if mode in ("o", "t"):
            continue
        types.append(normalize_type(p.argType))
        names.append(p.name or "")
    return tuple(types), tuple(names)


def on_CreateFunctionStmt(cat: Catalog, node: ast.CreateFunctionStmt) -> None:
    s, n = qualified_parts(node.funcname)
    schema = s or cat.creation_schema
    argtypes, argnames = _argtypes(node.parameters)
    old = cat.function_at((schema, n, argtypes))
    f = Function(
        schema=schema,
        name=n,
        argtypes=argtypes,
        argnames=argnames,
        procedure=bool(node.is_procedure),
    )
    if old is not None:
        # OR REPLACE: a new definition (SET clauses replaced) with the same identity
        f.created, f.changed, f.file_index, f.context = (
            old.created,
            old.changed,
            old.file_index,
            old.context,
        )
        f.comment, f.owner, f.grants_before = old.comment, old.owner, old.grants_before
        cat.touch(f)
    else:
        cat.stamp(f)
        f.grants_before = len(cat.grants)
    if node.returnType is not None:
        f.returns = normalize_type(node.returnType)
    for d in node.options or ():
        _func_option(f, d)
    if node.sql_body is not None:
        f.body = deparse(node.sql_body)
    cat.put_function(f)


def _func_option(f: Function, d: ast.DefElem) -> None:
    name = d.defname
    if name == "language":
        f.language = value_text(d.arg).lower()
    elif name == "security":
        f.security_definer = bool(getattr(d.arg, "boolval", False))
    elif name == "volatility":
        f.volatility = value_text(d.arg).lower()
    elif name == "strict":
        f.strict = bool(getattr(d.arg, "boolval", False))
    elif name == "leakproof":
        f.leakproof = bool(getattr(d.arg, "boolval", False))
    elif name == "as":
        parts = d.arg if isinstance(d.arg, tuple) else (d.arg,)
        f.body = (
            value_text(parts[0]) if len(parts) == 1 else ", ".join(value_text(p) for p in parts)
        )
    elif name == "set" and isinstance(d.arg, ast.VariableSetStmt):
        vs = d.arg
        kind = enum_name(vs.kind)
        if kind == "VAR_RESET_ALL":
            f.settings.clear()
        elif kind == "VAR_RESET":
            f.settings.pop(vs.name or "", None)
        elif kind == "VAR_SET_CURRENT":
            f.settings[vs.name or ""] = "FROM CURRENT"
        else:
            f.settings[vs.name or ""] = ", ".join(value_text(a) for a in vs.args or ())


def on_AlterFunctionStmt(cat: Catalog, node: ast.AlterFunctionStmt) -> None:
    fs = match_functions(cat, cast("ast.ObjectWithArgs", node.func))
    if not fs:
        return
    for f in fs:
        cat.touch(f)
        for d in node.actions or ():
            _func_option(f, d)


#: the routine options the catalog records (CREATE / ALTER FUNCTION); others (COST, ROWS,
#: PARALLEL, SUPPORT, WINDOW...) it does not
FUNCTION_OPTIONS: frozenset[str] = frozenset(
    {"language", "security", "volatility", "strict", "leakproof", "as", "set"}
)
