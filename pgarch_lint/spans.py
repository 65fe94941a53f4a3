"""Where things are in a file: the span of an AST node, the end of the token at an offset.

A rule asks ``ctx.span(node)``; the engine answers with the span function this module builds
for each statement (:func:`node_spans`). A node's span starts at its own location (or the first
location inside it, or its nearest located ancestor's) and ends with the token there; a node
without any location, or in a statement whose offsets are not exact (a PL/pgSQL body re-parsed
from its text), spans the whole statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pgarch_lint import sql
from pgarch_lint.api import Statement

if TYPE_CHECKING:
    from pgarch_lint.sql import ast

__all__ = ["SpanFn", "node_spans", "token_end"]

SpanFn = Callable[["ast.Node | None", "tuple[ast.Node, ...]"], tuple[int, int]]

_TOKEN = re.compile(r'"(?:[^"]|"")*"|[\w$]+|::|<>|!=|>=|<=|\S', re.UNICODE)


def token_end(text: str, off: int) -> int:
    """The end of the token starting at ``off`` (``off`` itself when none starts there)."""
    m = _TOKEN.match(text, off)
    return m.end() if m else off


def node_spans(text: str, base: int, stmt: Statement, exact: bool) -> SpanFn:
    """The span function of ``stmt`` in ``text``: ``span(node, parents) -> (start, end)``.

    ``base`` is the offset the parser's locations count from; ``exact`` is false when they do
    not map to the file.
    """

    def span(node: ast.Node | None, parents: tuple[ast.Node, ...]) -> tuple[int, int]:
        if not exact or node is None:
            return (stmt.start, stmt.end)
        if node is stmt.node:
            return (stmt.start, stmt.end)
        loc = sql.location(node)
        if loc is None:
            loc = sql.first_location(node)
        if loc is None:
            for p in reversed(parents):
                loc = sql.location(p)
                if loc is not None:
                    break
        if loc is None:
            return (stmt.start, stmt.end)
        off = base + loc
        if not stmt.start <= off <= stmt.end:
            return (stmt.start, stmt.end)
        return (off, token_end(text, off))

    return span
