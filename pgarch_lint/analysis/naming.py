"""Names as declared: letter case, keywords, and which declarations a naming rule judges.

Every naming rule is a whole-schema rule: it judges the names the checked files declared,
which the catalog records as they are replayed (``ctx.catalog.names``, a ledger of
:class:`pgarch_lint.catalog.declared.NameDef`), once the whole run is known, so that the project's own
conventions (:mod:`.conventions`, also ``pgarch_lint.api.conventions``) can be read from every
name first. Here: :func:`checked_declarations` (the names of given kinds that checked files
declared, context files left out), :func:`is_snake` / :func:`derived_is_snake` (snake_case,
the latter once the non-snake table and column names a derived name embeds are taken out),
:func:`to_snake`, and :data:`KEYWORD_KIND` (a reserved or type/function-name keyword → what
it is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from pgarch_lint.catalog import declared
from pgarch_lint.sql import RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

from .name_templates import to_snake

if TYPE_CHECKING:
    from pgarch_lint.api import Context

__all__ = ["KEYWORD_KIND", "checked_declarations", "derived_is_snake", "is_snake", "to_snake"]

# --- case ------------------------------------------------------------------------------------

_SNAKE = re.compile(r"[a-z_][a-z0-9_]*")


def is_snake(name: str) -> bool:
    """Lower snake_case: what PostgreSQL folds unquoted identifiers to (no ``$``)."""
    return _SNAKE.fullmatch(name) is not None


def derived_is_snake(name: str, embedded: tuple[str, ...]) -> bool:
    """Whether ``name`` is snake_case once the (possibly non-snake) table and column names it
    embeds are taken out: ``"User_email_key"`` is not re-reported for the table "User"."""
    if is_snake(name):
        return True
    rest = name
    for e in sorted({e for e in embedded if e and not is_snake(e)}, key=len, reverse=True):
        rest = rest.replace(e, "x")
    return is_snake(rest)


# --- keywords --------------------------------------------------------------------------------

KEYWORD_KIND: Mapping[str, str] = {
    **{k: "type/function-name keyword" for k in TYPE_FUNC_NAME_KEYWORDS},
    **{k: "reserved keyword" for k in RESERVED_KEYWORDS},
}


# --- which declarations a naming rule judges --------------------------------------------------


def checked_declarations(ctx: Context, kinds: tuple[str, ...] | None) -> Iterator[declared.NameDef]:
    """The names (of the given kinds, or all) that checked files declared. A name holding
    U+FFFD is left out: it comes from bytes that are not UTF-8 (the file's decoding error is
    reported once, as syntax-error), not from what the author wrote."""
    checked = ctx.checked_paths
    for d in ctx.catalog.names:
        if kinds is not None and d.kind not in kinds:
            continue
        if not d.context and d.loc is not None and d.loc.path in checked and "\ufffd" not in d.name:
            yield d
