"""GRANT / REVOKE on objects and ALTER DEFAULT PRIVILEGES (recorded in order, as
:class:`~pgarch_lint.catalog.objects.Grant`; role membership is in roles.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog.nodes import enum_name, qualified_parts, role_name, texts_of, value_text
from pgarch_lint.catalog.objects import Grant
from pgarch_lint.catalog.replay.functions import match_functions
from pgarch_lint.sql import ast

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog


def on_GrantStmt(cat: Catalog, node: ast.GrantStmt) -> None:
    _grant(cat, node, default=False, schemas=None, for_roles=None)


def on_AlterDefaultPrivilegesStmt(cat: Catalog, node: ast.AlterDefaultPrivilegesStmt) -> None:
    schemas: list[str] = []
    roles: list[str] = []
    for d in node.options or ():
        if d.defname == "schemas":
            schemas = texts_of(d.arg)
        elif d.defname == "roles":
            roles = [role_name(r) for r in d.arg or ()]
    if node.action is not None:
        _grant(cat, node.action, default=True, schemas=schemas, for_roles=roles)


def _grant(
    cat: Catalog,
    node: ast.GrantStmt,
    *,
    default: bool,
    schemas: list[str] | None,
    for_roles: list[str] | None,
) -> None:
    kind = enum_name(node.objtype).removeprefix("OBJECT_").lower().replace("_", " ")
    if kind == "matview":
        kind = "materialized view"
    privs: list[str] = []
    cols: list[str] = []
    for ap in node.privileges or ():
        privs.append((ap.priv_name or "all").lower())
        cols.extend(texts_of(ap.cols))
    if not privs:
        privs = ["all"]
    targ = enum_name(node.targtype)
    if default:
        objects = list(schemas or [])
    elif targ == "ACL_TARGET_ALL_IN_SCHEMA":
        objects = texts_of(node.objects)
    else:
        objects = _objects(cat, node.objects)
    g = Grant(
        is_grant=bool(node.is_grant),
        privileges=privs,
        object_kind=kind,
        objects=objects,
        grantees=[role_name(r) for r in node.grantees or ()],
        columns=cols,
        all_in_schema=targ == "ACL_TARGET_ALL_IN_SCHEMA",
        default_privileges=default,
        for_roles=list(for_roles or []),
        grant_option=bool(node.grant_option),
        cascade=enum_name(node.behavior) == "DROP_CASCADE",
        loc=cat.loc,
    )
    cat.add_grant(g)


def _objects(cat: Catalog, nodes: tuple[Any, ...] | None) -> list[str]:
    """The objects a GRANT names, resolved (routines by signature when the catalog knows
    them)."""
    objects: list[str] = []
    for o in nodes or ():
        if isinstance(o, ast.RangeVar):
            k = cat.key_of(o)
            objects.append(f"{k[0]}.{k[1]}")
        elif isinstance(o, ast.ObjectWithArgs):
            fs = match_functions(cat, o)
            if fs:
                objects.extend(f.signature for f in fs)
            else:
                s, n = qualified_parts(o.objname)
                objects.append(f"{s or cat.creation_schema}.{n}")
        elif isinstance(o, ast.TypeName):
            k = cat.type_key(o)
            objects.append(f"{k[0]}.{k[1]}")
        else:
            objects.append(value_text(o))
    return objects
