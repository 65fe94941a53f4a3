"""Reading the statements that follow the current one in its file.

Rules judge one statement with the catalog as it was before it; a few patterns are only
harmless because of what a later statement of the same migration does (Prisma changes an
enum column by dropping its default, changing its type and setting the default again). A rule
may look ahead with :func:`later_statements`: the parsed statements after the current one, up
to the end of the file (down-migration sections and other non-SQL blanked, as the parser sees
the file). A file whose rest does not parse gives nothing: the rule then judges as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pgarch_lint import sql

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.sql import ast

__all__ = ["later_statements"]


def later_statements(ctx: Context) -> tuple[ast.Node, ...]:
    """The statements after the current one in its file (not for statements inside a
    function or DO block, whose "later" is another story)."""
    stmt = ctx.statement
    if stmt is None or stmt.nested:
        return ()
    text = ctx.parser_text()
    if text is None or stmt.end >= len(text):
        return ()
    return _parsed_after(text, stmt.end)


@lru_cache(maxsize=16)
def _parsed_after(text: str, start: int) -> tuple[ast.Node, ...]:
    return tuple(sql.parse_text(text[start:]))
