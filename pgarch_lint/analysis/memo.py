"""Sharing one analysis between the rules that check the same node.

:func:`per_statement` remembers a helper's result for each node of the statement being checked
(re-exported as ``pgarch_lint.api.per_statement``). The analysis modules use it for the
readers several rules call on the same node: the query scope of a statement
(:func:`pgarch_lint.analysis.queries.statement_levels`), where a column definition sits
(:func:`pgarch_lint.analysis.definitions.column_site`), whether an ALTER TABLE targets an
existing table (:func:`pgarch_lint.analysis.migration.existing_alter_target`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pgarch_lint.api import Context, Statement

__all__ = ["per_statement"]

_N = TypeVar("_N")  # the node the helper reads
_T = TypeVar("_T")


def per_statement(fn: Callable[[_N, Context], _T]) -> Callable[[_N, Context], _T]:
    """Remember a helper's result ``fn(node, ctx)`` for each node of the statement being
    checked, for rules that share the helper (nine type rules look at every column
    definition the same way). The result must depend only on the node, its place in the
    statement and the catalog, and callers must not change it. Not remembered outside a
    statement (whole-schema and end-of-file events)."""
    memo: dict[int, tuple[_N, _T]] = {}
    owner: list[Statement | None] = [None]

    @functools.wraps(fn)
    def shared(node: _N, ctx: Context) -> _T:
        st = ctx.statement
        if st is None or st.node is None:
            return fn(node, ctx)
        if owner[0] is not st:
            memo.clear()
            owner[0] = st
        hit = memo.get(id(node))
        if hit is not None and hit[0] is node:  # the node is kept alive: its id is its own
            result: _T = hit[1]
            return result
        result = fn(node, ctx)
        memo[id(node)] = (node, result)
        return result

    return shared
