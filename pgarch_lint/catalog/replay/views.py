"""CREATE [OR REPLACE] VIEW, materialized views (created by CREATE MATERIALIZED VIEW, which
pglast parses as CREATE TABLE AS) and REFRESH MATERIALIZED VIEW."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog.nodes import defelems, enum_name, texts_of, value_text
from pgarch_lint.catalog.objects import View
from pgarch_lint.sql import ast, walk

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog


def on_ViewStmt(cat: Catalog, node: ast.ViewStmt) -> None:
    rv = cast("ast.RangeVar", node.view)
    v = make_view(cat, rv, cast("ast.Node", node.query), node.options, matview=False)
    v.columns = texts_of(node.aliases)
    wco = enum_name(node.withCheckOption)
    v.check_option = {"LOCAL_CHECK_OPTION": "local", "CASCADED_CHECK_OPTION": "cascaded"}.get(wco)


def on_RefreshMatViewStmt(cat: Catalog, node: ast.RefreshMatViewStmt) -> None:
    v = cat.view_at(cat.key_of(cast("ast.RangeVar", node.relation)))
    if v is not None:
        v.with_data = not node.skipData


def make_view(
    cat: Catalog,
    rv: ast.RangeVar,
    query: ast.Node,
    options: Iterable[Any] | None,
    *,
    matview: bool,
) -> View:
    """Create (or replace) the view a RangeVar names, defined by ``query``."""
    key = cat.key_of(rv)
    old = cat.view_at(key)
    v = View(schema=key[0], name=key[1], materialized=matview)
    if old is not None:
        # CREATE OR REPLACE: keep history, comment, owner and indexes
        v.created, v.changed, v.file_index, v.context = (
            old.created,
            old.changed,
            old.file_index,
            old.context,
        )
        v.comment, v.owner, v.indexes = old.comment, old.owner, old.indexes
        cat.touch(v)
    else:
        cat.stamp(v)
    for name, arg in defelems(options).items():
        v.options[name] = value_text(arg) if arg is not None else "true"
    v.query_ = query  # deparsed when read
    v.reads = _reads(cat, query)
    cat.put_view(v)
    return v


def _reads(cat: Catalog, query: ast.Node) -> list[str]:
    """The relations a query reads (qualified, in order; CTE names left out)."""
    ctes: set[str] = set()
    rvs: list[ast.RangeVar] = []
    for n, _ in walk(query):
        if isinstance(n, ast.CommonTableExpr) and n.ctename:
            ctes.add(n.ctename)
        elif isinstance(n, ast.RangeVar):
            rvs.append(n)
    out: list[str] = []
    for rv in rvs:
        if not rv.schemaname and rv.relname in ctes:
            continue
        k = cat.key_of(rv)
        q = f"{k[0]}.{k[1]}"
        if q not in out:
            out.append(q)
    return out
