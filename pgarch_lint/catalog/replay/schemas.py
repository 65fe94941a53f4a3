"""CREATE SCHEMA (with the statements it embeds) and CREATE / ALTER EXTENSION."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgarch_lint.catalog.nodes import defelems, role_name, value_text
from pgarch_lint.catalog.objects import Extension

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_CreateSchemaStmt(cat: Catalog, node: ast.CreateSchemaStmt) -> None:
    owner = role_name(node.authrole) if node.authrole else None
    name = node.schemaname or owner or ""
    if not name:
        return
    cat.create_schema(name, owner, if_not_exists=bool(node.if_not_exists))
    if node.schemaElts:
        saved = cat.search_path
        cat.search_path = (name, *saved)
        try:
            for elt in node.schemaElts:
                cat.replay(elt)
        finally:
            cat.search_path = saved


def on_CreateExtensionStmt(cat: Catalog, node: ast.CreateExtensionStmt) -> None:
    name = node.extname or ""
    if name in cat.extensions:
        return
    opts = defelems(node.options)
    ext = Extension(
        name=name,
        schema=value_text(opts["schema"]) if "schema" in opts else None,
        version=value_text(opts["new_version"]) if "new_version" in opts else None,
    )
    cat.stamp(ext)
    cat.extensions[name] = ext


def on_AlterExtensionStmt(cat: Catalog, node: ast.AlterExtensionStmt) -> None:
    ext = cat.extensions.get(node.extname or "")
    if ext is not None:
        cat.touch(ext)
        opts = defelems(node.options)
        if "new_version" in opts:
            ext.version = value_text(opts["new_version"])
