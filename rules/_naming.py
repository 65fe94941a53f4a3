"""Helpers shared by the naming rules.

Every naming rule is a whole-schema rule: it judges the names the checked files declared,
which the catalog records as they are replayed (``ctx.catalog.names``, see
:mod:`pgarch_lint.declared`), once the whole run is known, so that the project's own
conventions (:mod:`pgarch_lint.conventions`, both reached through ``pgarch_lint.api``) can be
read from every name first. Here: case and keyword helpers, which declarations to judge,
where to report, and how a message names a convention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pgarch_lint.api import (
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
    Context,
    Violation,
    conventions,
    declared,
)

to_snake = conventions.to_snake

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


# --- whole-schema naming rules ---------------------------------------------------------------


def checked_declarations(ctx: Context, kinds: tuple[str, ...] | None) -> Iterator[declared.NameDef]:
    """The names (of the given kinds, or all) that checked files declared."""
    checked = ctx.checked_paths
    for d in ctx.catalog.names:
        if kinds is not None and d.kind not in kinds:
            continue
        if not d.context and d.loc is not None and d.loc.path in checked:
            yield d


def violation(d: declared.NameDef, message: str, help: str | None = None) -> Violation:
    """A finding on a declaration: at its own clause when known, else on its statement."""
    if d.start is not None:
        return Violation(message, help=help, at=d.loc, start=d.start)
    assert d.loc is not None
    return Violation(message, help=help, at=d.loc, start=d.loc.start, end=d.loc.end)


def describe(d: declared.NameDef) -> str:
    """``column "userId" of "Account"``, ``index "IX_a" on "a"``, ``table "Orders"``."""
    kind = (
        d.kind
        if d.kind in conventions.CASE_KIND
        else ("index" if d.kind == "index" else "constraint")
    )
    own = f' of "{d.table}"' if d.table and kind == "column" else ""
    on = f' on "{d.table}"' if d.table and kind in ("index", "constraint") else ""
    return f'{kind} "{d.name}"{own}{on}'


def convention_text(conv: conventions.Convention) -> str:
    """How a message names the convention a name breaks."""
    if conv.source == "family":
        return (
            f"this history's convention {conv.template} ({conv.label}, which its "
            f"{conventions.family_basis(conv)} follow)"
        )
    if conv.inferred:
        return f"this history's convention {conv.template} ({conv.evidence()})"
    return f'the naming template "{conv.template}"'
