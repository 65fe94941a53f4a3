"""Helpers shared by the migration-safety / compatibility rules of this pack (not a rule)."""

from __future__ import annotations

from typing import Any

from pgarch_lint.api import Context, Origin, ast, util


def qname(rv: Any) -> str:
    """``schema.name`` or ``name`` of a RangeVar, as written."""
    return util.rv_name(rv)


def is_existing(ctx: Context, rv: Any) -> bool:
    """The relation was not created earlier in the file being checked (unknown = existing)."""
    if not isinstance(rv, ast.RangeVar):
        return False
    return not ctx.catalog.is_new(rv)


def column_is_new(ctx: Context, rv: Any, column: str | None) -> bool:
    """The column was added earlier in the current file (nobody can be using it yet)."""
    if not column or not isinstance(rv, ast.RangeVar):
        return False
    table = ctx.catalog.table(rv)
    col = ctx.catalog.column(table, column)
    return col is not None and ctx.catalog.origin_of(col) is Origin.CURRENT_FILE


def runs_nested(ctx: Context) -> bool:
    """The statement sits inside a DO block or a PL/pgSQL body."""
    return ctx.statement is not None and ctx.statement.nested


def join_names(names: list[str], limit: int = 5) -> str:
    """``"a", "b", "c"`` (and ``and N more`` past ``limit``)."""
    shown = [f'"{n}"' for n in names[:limit]]
    more = len(names) - limit
    text = ", ".join(shown)
    return f"{text} and {more} more" if more > 0 else text
