"""Session settings the replay follows: ``SET search_path`` and pg_dump's
``SELECT pg_catalog.set_config('search_path', ...)``; a ``SELECT ... INTO`` creates a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog.names import DEFAULT_SEARCH_PATH, parse_search_path
from pgarch_lint.catalog.nodes import enum_name, value_text
from pgarch_lint.catalog.replay.tables import create_table_as
from pgarch_lint.sql import ast

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog


def on_VariableSetStmt(cat: Catalog, node: ast.VariableSetStmt) -> None:
    if (node.name or "").lower() != "search_path":
        return
    kind = enum_name(node.kind)
    if kind in ("VAR_SET_DEFAULT", "VAR_RESET", "VAR_RESET_ALL"):
        cat.search_path = DEFAULT_SEARCH_PATH
    elif kind == "VAR_SET_VALUE":
        cat.set_search_path(value_text(a) for a in node.args or ())


def on_SelectStmt(cat: Catalog, node: ast.SelectStmt) -> None:
    if node.intoClause is not None:
        create_table_as(cat, node.intoClause, node, matview=False, if_not_exists=False)
        return
    for tgt in node.targetList or ():
        fc: ast.Node | None = getattr(tgt, "val", None)
        if not isinstance(fc, ast.FuncCall):
            continue
        fname: tuple[Any, ...] = fc.funcname or ("",)
        fargs: tuple[Any, ...] = fc.args or ()
        if value_text(fname[-1]) != "set_config" or len(fargs) < 2:
            continue
        if value_text(fargs[0]) == "search_path" and isinstance(fargs[1], ast.A_Const):
            cat.set_search_path(parse_search_path(value_text(fargs[1])))
