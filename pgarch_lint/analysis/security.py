"""Security readers: function options, function resolution, GRANT kinds, role names.

* function options of CREATE / ALTER FUNCTION: :func:`defelem` (the option PostgreSQL keeps),
  :func:`security_definer` (True / False / None when not written),
  :func:`search_path_action` (``set``, ``reset`` or None), :func:`input_arg_count`;
* :func:`catalog_functions`: the catalog's functions of a (possibly qualified) name,
  resolved through the catalog's search_path like PostgreSQL (the first schema with a match
  wins), optionally by input-argument count;
* :func:`grant_kind`: ``table``, ``sequence``, ``function``, ``schema``... of a GRANT;
* :func:`role_name_span`: where the role name sits in a CREATE / ALTER ROLE statement's text
  (to place a finding on it).

Expressions that read a row (``has_column_ref``, ``walk_outside_sublinks``) are in
:mod:`.nodes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from pgarch_lint.catalog import CatalogView, Function
from pgarch_lint.sql import ast, enums

__all__ = [
    "catalog_functions",
    "defelem",
    "grant_kind",
    "input_arg_count",
    "role_name_span",
    "search_path_action",
    "security_definer",
]

# --- function options (CREATE FUNCTION / ALTER FUNCTION) -------------------------------------


def defelem(options: Iterable[Any] | None, name: str) -> ast.DefElem | None:
    """The last DefElem called ``name`` in an option list (the one PostgreSQL keeps)."""
    found = None
    for d in options or ():
        if isinstance(d, ast.DefElem) and d.defname == name:
            found = d
    return found


def security_definer(options: Iterable[Any] | None) -> bool | None:
    """True for SECURITY DEFINER, False for SECURITY INVOKER, None when not written."""
    d = defelem(options, "security")
    if d is None:
        return None
    return bool(getattr(d.arg, "boolval", False))


def search_path_action(options: Iterable[Any] | None) -> str | None:
    """What the options do to ``search_path``: "set", "reset" or None (untouched).

    ``RESET ALL`` and ``SET search_path TO DEFAULT`` count as a reset; the last clause wins.
    """
    out: str | None = None
    for d in options or ():
        if not (isinstance(d, ast.DefElem) and d.defname == "set"):
            continue
        vs = d.arg
        if not isinstance(vs, ast.VariableSetStmt):
            continue
        kind = vs.kind
        if kind == enums.VariableSetKind.VAR_RESET_ALL:
            out = "reset"
        elif (vs.name or "").lower() == "search_path":
            unset = (enums.VariableSetKind.VAR_RESET, enums.VariableSetKind.VAR_SET_DEFAULT)
            out = "reset" if kind in unset else "set"
    return out


def input_arg_count(params: Iterable[Any] | None) -> int:
    """Number of input arguments (IN, INOUT, VARIADIC) of a CREATE FUNCTION parameter list."""
    n = 0
    for p in params or ():
        mode = getattr(p.mode, "value", p.mode)
        if mode not in ("o", "t"):
            n += 1
    return n


def catalog_functions(catalog: CatalogView, names: list[str], nargs: int | None) -> list[Function]:
    """Functions the catalog knows by (possibly qualified) name, optionally by input-arg count.

    Resolution follows the catalog's search_path for unqualified names, first schema with a
    match wins (like PostgreSQL).
    """
    if not names:
        return []
    name = names[-1]
    schemas = [names[-2]] if len(names) > 1 else list(catalog.search_path) or ["public"]
    funcs = catalog.functions()
    for sch in schemas:
        found = [
            f
            for f in funcs
            if f.schema == sch and f.name == name and (nargs is None or len(f.argtypes) == nargs)
        ]
        if found:
            return found
    return []


# --- GRANT statements ------------------------------------------------------------------------


def grant_kind(node: ast.GrantStmt) -> str:
    """``table``, ``sequence``, ``function``, ``schema``... of a GrantStmt."""
    name = getattr(node.objtype, "name", str(node.objtype))
    return name.removeprefix("OBJECT_").lower().replace("_", " ")


# --- role statements -------------------------------------------------------------------------

_WORD_RE = r'"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*'


@cache
def _word() -> re.Pattern[str]:
    """Compiled on first use: the wide character class costs ~5 ms to compile, paid at
    import by every run otherwise (this module is imported by whole-schema rules)."""
    return re.compile(_WORD_RE, re.UNICODE)


def role_name_span(text: str, base: int, role: str) -> tuple[int, int] | None:
    """Absolute span of the role name in a CREATE/ALTER ROLE|USER|GROUP statement's text.

    The role is the first identifier after ``ROLE``/``USER``/``GROUP`` (``ALTER USER
    MAPPING`` never reaches here). Quoted and unquoted spellings are both matched.
    """
    words = list(_word().finditer(text))
    for i, m in enumerate(words[:-1]):
        if m.group(0).lower() in ("role", "user", "group"):
            nxt = words[i + 1]
            w = nxt.group(0)
            name = w[1:-1].replace('""', '"') if w.startswith('"') else w.lower()
            if name == role or w.lower() == role.lower():
                return (base + nxt.start(), base + nxt.end())
    return None
