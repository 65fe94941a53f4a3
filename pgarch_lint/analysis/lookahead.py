"""Reading the statements that follow the current one in its file.

Rules judge one statement with the catalog as it was before it; a few patterns are only
harmless because of what a later statement of the same migration does (Prisma changes an
enum column by dropping its default, changing its type and setting the default again). A rule
may look ahead with :func:`later_statements`: the parsed statements after the current one, up
to the end of the file (down-migration sections and other non-SQL blanked, as the parser sees
the file). A file whose rest does not parse gives nothing: the rule then judges as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pgarch_lint import sql
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.api import Context

__all__ = ["earlier_statements", "later_statements", "type_name_taken_later", "type_swapped_out"]


def later_statements(ctx: Context) -> tuple[ast.Node, ...]:
    """The statements after the current one in its file (not for statements inside a
    function or DO block, whose "later" is another story)."""
    stmt = ctx.statement
    return tuple(n for at, n in _file_statements(ctx) if stmt is not None and at >= stmt.end)


def _file_statements(ctx: Context) -> tuple[tuple[int, ast.Node], ...]:
    """The statements of the current statement's file with their offsets; none for a
    statement inside a function or DO block."""
    stmt = ctx.statement
    if stmt is None or stmt.nested:
        return ()
    text = ctx.parser_text()
    return () if text is None else _statements(text)


#: files larger than this are not read ahead (a schema dump's trees would cost more memory
#: than the precision is worth): the rules then judge the statement alone
MAX_TEXT = 1_000_000


@lru_cache(maxsize=4)
def _statements(text: str) -> tuple[tuple[int, ast.Node], ...]:
    """Every statement of a file with its offset, parsed once per file text."""
    if len(text) > MAX_TEXT:
        return ()
    return tuple(sql.parse_located(text))


def _mentions_rename_to(ctx: Context, name: str) -> bool:
    """A cheap test before parsing: the file renames something to ``name`` or creates a type
    of that name (case-insensitively, quoted or not)."""
    text = ctx.parser_text() or ""
    pattern = r'(rename\s+to|create\s+type)\s+(?:\w+\.)?"?' + re.escape(name) + r'"?(?![\w$])'
    return re.search(pattern, text, re.IGNORECASE) is not None


def earlier_statements(ctx: Context) -> tuple[ast.Node, ...]:
    """The statements before the current one in its file (same rules as
    :func:`later_statements`)."""
    stmt = ctx.statement
    return tuple(n for at, n in _file_statements(ctx) if stmt is not None and at < stmt.start)


def _type_renames(nodes: tuple[ast.Node, ...]) -> list[tuple[str, str]]:
    """(old bare name, new bare name) of every ALTER TYPE ... RENAME TO among ``nodes``."""
    out: list[tuple[str, str]] = []
    for n in nodes:
        if (
            isinstance(n, ast.RenameStmt)
            and n.renameType == enums.ObjectType.OBJECT_TYPE
            and n.newname
            and isinstance(n.object, list | tuple)
        ):
            parts = [s.sval for s in n.object if isinstance(s, ast.String) and s.sval]
            if parts:
                out.append((parts[-1], n.newname))
    return out


def type_name_taken_later(ctx: Context, name: str) -> bool:
    """A later statement of the file gives the (bare) type name ``name`` to another type
    (``ALTER TYPE x_new RENAME TO name``, or ``CREATE TYPE name``): the swap Prisma writes to
    change an enum, where code that names the type keeps working."""
    if not _mentions_rename_to(ctx, name):
        return False
    later = later_statements(ctx)
    if any(_created_type(n) == name for n in later):
        return True
    return any(new == name for _old, new in _type_renames(later))


def type_swapped_out(ctx: Context, name: str) -> bool:
    """The (bare) type ``name`` got that name earlier in this file, renamed away from a name
    another type has taken since, by a rename or a CREATE TYPE (``ALTER TYPE s RENAME TO
    s_old; ALTER TYPE s_new RENAME TO s; DROP TYPE s_old``): dropping it completes a swap,
    running code names ``s``."""
    if not _mentions_rename_to(ctx, name):
        return False
    nodes = earlier_statements(ctx)
    earlier = _type_renames(nodes)
    created = {_created_type(n) for n in nodes} - {None}
    for old, new in earlier:
        if new == name and (old in created or any(n2 == old for o2, n2 in earlier if o2 != name)):
            return True
    return False


def _created_type(n: ast.Node) -> str | None:
    """The bare name a CREATE TYPE (enum or composite) gives, None for other statements."""
    if isinstance(n, ast.CreateEnumStmt):
        parts = [s.sval for s in n.typeName or () if isinstance(s, ast.String) and s.sval]
        return parts[-1] if parts else None
    if isinstance(n, ast.CompositeTypeStmt) and n.typevar is not None:
        return n.typevar.relname
    return None
