"""CREATE TYPE (enum, composite, range), ALTER TYPE ... ADD / RENAME VALUE, CREATE DOMAIN and
ALTER DOMAIN."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog.names import choose_name, shared
from pgarch_lint.catalog.nodes import enum_name, qualified_parts, texts_of
from pgarch_lint.catalog.objects import Column, Constraint, TypeDef
from pgarch_lint.catalog.types import normalize_type
from pgarch_lint.sql import ast, deparse

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog


def _new_type(cat: Catalog, names: Iterable[Any] | None, kind: str) -> TypeDef:
    s, n = qualified_parts(names)
    ty = TypeDef(schema=s or cat.creation_schema, name=n, kind=kind)
    cat.stamp(ty)
    cat.put_type(ty)
    return ty


def on_CreateEnumStmt(cat: Catalog, node: ast.CreateEnumStmt) -> None:
    ty = _new_type(cat, node.typeName, "enum")
    ty.values = texts_of(node.vals)


def on_AlterEnumStmt(cat: Catalog, node: ast.AlterEnumStmt) -> None:
    ty = cat.type_at(cat.type_key(node.typeName))
    if ty is None:
        return
    cat.touch(ty)
    if node.oldVal:
        renamed = cast(str, node.newVal)  # RENAME VALUE always names the new label
        ty.values = [renamed if v == node.oldVal else v for v in ty.values]
        return
    new = node.newVal
    if not new or new in ty.values:
        return
    if node.newValNeighbor and node.newValNeighbor in ty.values:
        i = ty.values.index(node.newValNeighbor)
        ty.values.insert(i + 1 if node.newValIsAfter else i, new)
    else:
        ty.values.append(new)


def on_CompositeTypeStmt(cat: Catalog, node: ast.CompositeTypeStmt) -> None:
    rv = cast("ast.RangeVar", node.typevar)  # CREATE TYPE ... AS (...) always names its type
    ty = _new_type(cat, [rv.schemaname, rv.relname] if rv.schemaname else [rv.relname], "composite")
    for cd in node.coldeflist or ():
        c = Column(name=shared(cd.colname or ""), type=normalize_type(cd.typeName))
        ty.attributes.append(c)


def on_CreateRangeStmt(cat: Catalog, node: ast.CreateRangeStmt) -> None:
    _new_type(cat, node.typeName, "range")


def on_CreateDomainStmt(cat: Catalog, node: ast.CreateDomainStmt) -> None:
    ty = _new_type(cat, node.domainname, "domain")
    ty.base_type = normalize_type(node.typeName)
    for con in node.constraints or ():
        _domain_constraint(cat, ty, con)


def _domain_constraint(cat: Catalog, ty: TypeDef, con: ast.Constraint) -> None:
    ct = enum_name(con.contype)
    if ct == "CONSTR_NOTNULL":
        ty.not_null = True
    elif ct == "CONSTR_NULL":
        ty.not_null = False
    elif ct == "CONSTR_DEFAULT":
        ty.default = deparse(con.raw_expr)
    elif ct == "CONSTR_CHECK":
        name = con.conname or choose_name(ty.name, None, "check", ty.constraints.__contains__)
        c = Constraint(name=name, kind="check", table=ty.qualified, expression_=con.raw_expr)
        c.not_valid = bool(con.skip_validation)
        c.validated = not con.skip_validation
        cat.stamp(c)
        ty.constraints[name] = c


def on_AlterDomainStmt(cat: Catalog, node: ast.AlterDomainStmt) -> None:
    ty = cat.type_at(cat.type_key(node.typeName))
    if ty is None:
        return
    cat.touch(ty)
    sub = node.subtype
    if sub == "C" and isinstance(node.def_, ast.Constraint):
        _domain_constraint(cat, ty, node.def_)
    elif sub == "X":
        ty.constraints.pop(node.name or "", None)
    elif sub == "V":
        c = ty.constraints.get(node.name or "")
        if c is not None:
            c.validated, c.not_valid = True, False
    elif sub == "N":
        ty.not_null = False
    elif sub == "O":
        ty.not_null = True
    elif sub == "T":
        ty.default = deparse(node.def_) if node.def_ is not None else None
