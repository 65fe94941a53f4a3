"""CREATE POLICY and ALTER POLICY (row-level security policies hang off their table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pgarch_lint.catalog.nodes import role_name
from pgarch_lint.catalog.objects import Policy
from pgarch_lint.sql import deparse

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_CreatePolicyStmt(cat: Catalog, node: ast.CreatePolicyStmt) -> None:
    key = cat.key_of(cast("ast.RangeVar", node.table))
    t = cat.table_at(key)
    if t is None:
        cat.note_unknown(f"{key[0]}.{key[1]}")
        return
    p = Policy(
        name=node.policy_name or "",
        table=t.qualified,
        command=(node.cmd_name or "all").lower(),
        permissive=bool(node.permissive),
        roles=[role_name(r) for r in node.roles or ()] or ["public"],
    )
    cat.stamp(p)
    if node.qual is not None:
        p.using = deparse(node.qual)
    if node.with_check is not None:
        p.with_check = deparse(node.with_check)
    t.policies[p.name] = p
    cat.touch(t)


def on_AlterPolicyStmt(cat: Catalog, node: ast.AlterPolicyStmt) -> None:
    key = cat.key_of(cast("ast.RangeVar", node.table))
    t = cat.table_at(key)
    if t is None:
        cat.note_unknown(f"{key[0]}.{key[1]}")
        return
    p = t.policies.get(node.policy_name or "")
    if p is None:
        return
    cat.touch(p)
    if node.roles:
        p.roles = [role_name(r) for r in node.roles]
    if node.qual is not None:
        p.using = deparse(node.qual)
    if node.with_check is not None:
        p.with_check = deparse(node.with_check)
