"""CREATE / ALTER / DROP ROLE and GRANT / REVOKE of role membership."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgarch_lint.catalog.nodes import role_name, value_text
from pgarch_lint.catalog.objects import Role

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_CreateRoleStmt(cat: Catalog, node: ast.CreateRoleStmt) -> None:
    name = node.role or ""
    if name in cat.roles:
        return
    r = Role(name=name)
    cat.stamp(r)
    for d in node.options or ():
        if d.defname == "password":
            r.options["password"] = "<set>"
        elif d.defname in ("rolemembers", "addroleto"):
            continue
        else:
            r.options[d.defname] = value_text(d.arg) if d.arg is not None else "true"
    cat.roles[name] = r


def on_AlterRoleStmt(cat: Catalog, node: ast.AlterRoleStmt) -> None:
    r = cat.roles.get(role_name(node.role))
    if r is not None:
        cat.touch(r)


def on_DropRoleStmt(cat: Catalog, node: ast.DropRoleStmt) -> None:
    for spec in node.roles or ():
        cat.roles.pop(role_name(spec), None)


def on_GrantRoleStmt(cat: Catalog, node: ast.GrantRoleStmt) -> None:
    granted = [ap.priv_name or "" for ap in node.granted_roles or ()]
    for spec in node.grantee_roles or ():
        r = cat.roles.get(role_name(spec))
        if r is None:
            continue
        cat.touch(r)
        for g in granted:
            if node.is_grant and g not in r.member_of:
                r.member_of.append(g)
            elif not node.is_grant and g in r.member_of:
                r.member_of.remove(g)
