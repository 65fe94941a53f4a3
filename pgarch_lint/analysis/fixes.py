"""Writing fixes: edits a rule can offer with confidence.

Each helper returns an :class:`~pgarch_lint.api.Edit` (or None when the source text is not
what the tree says it is, e.g. a type written through a placeholder or a macro): a fix is
offered only when the text it replaces was read back and matched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgarch_lint.api import Edit

if TYPE_CHECKING:
    from pgarch_lint.analysis.definitions import ColumnSite
    from pgarch_lint.api import Context

__all__ = ["column_is_being_created", "replace_type_word"]


def _word_at(text: str, start: int, word: str) -> bool:
    end = start + len(word)
    if text[start:end].lower() != word:
        return False
    return end >= len(text) or not (text[end].isalnum() or text[end] in "_$")


def replace_type_word(ctx: Context, site: ColumnSite, old: str, new: str) -> Edit | None:
    """An edit that rewrites the type name ``old`` (one word, as written in lower or upper
    case at the start of the column's type) into ``new``, keeping what follows it (a
    modifier like ``(3)``, array brackets)."""
    stmt = ctx.statement
    if stmt is None:
        return None
    start, _end = ctx.span(site.type_name)
    rel = start - stmt.start
    if rel < 0 or not _word_at(stmt.text, rel, old):
        return None
    return Edit(start, start + len(old), new)


def column_is_being_created(ctx: Context, site: ColumnSite) -> bool:
    """Whether the column is declared by a CREATE TABLE, or added to a table created earlier
    in the same file: no row holds a value yet, so its type can change for free."""
    return site.kind == "create" or (site.kind == "add" and ctx.catalog.is_new(site.table))
