"""Writing names, types and literals back as SQL text.

The catalog stores names as PostgreSQL stores them (unquoted, case kept) and types as
:func:`~pgarch_lint.catalog.normalize_type` writes them (``varchar(10)``, ``app.status[]``):
:func:`ident` quotes a name when PostgreSQL needs it (upper case, odd characters, keywords);
:func:`type_sql` quotes the user-defined parts of a type and leaves the built-in spellings
(``double precision``, ``timestamptz(3)``, ``char``) alone, so that the text parses back to
the same normalised type.
"""

from __future__ import annotations

import re

from pgarch_lint.sql import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

__all__ = ["ident", "literal", "qualified", "qualified_text", "type_sql"]

_SIMPLE = re.compile(r"[a-z_][a-z0-9_$]*")
_KEYWORDS = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS
# [setof ]base[(modifiers)][%type][[]...], as normalize_type writes it
_TYPE = re.compile(r"(setof )?(.+?)(\([^()]*\))?(%type)?((?:\[\])*)", re.DOTALL)
# built-in types written with spaces or as keywords: never quoted
_BUILTIN = frozenset({"double precision", "timestamptz", "timetz", "varbit", "serial"})


def ident(name: str) -> str:
    """``name`` as an SQL identifier, quoted only when PostgreSQL needs it."""
    if _SIMPLE.fullmatch(name) and name not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str | None, name: str) -> str:
    """``schema.name`` quoted part by part (``name`` alone without a schema)."""
    return f"{ident(schema)}.{ident(name)}" if schema else ident(name)


def qualified_text(text: str) -> str:
    """A dotted name the catalog stores as text (``public.orders``, ``gin_trgm_ops``)."""
    return ".".join(ident(p) for p in text.split("."))


def literal(text: str) -> str:
    """``text`` as a string literal (standard_conforming_strings: only quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def type_sql(text: str) -> str:
    """A normalised type as SQL that normalises back to the same text."""
    m = _TYPE.fullmatch(text.strip())
    if m is None or not text.strip():
        return text
    setof, base, mods, pct, arrays = m.groups()
    if base == "char" and not mods:
        written = "bpchar"  # char alone means char(1); the catalog's "char" is unbounded
    elif base in _BUILTIN or " " in base:
        written = base
    elif "." not in base and (base in COL_NAME_KEYWORDS or base.endswith("serial")):
        written = base  # int, varchar, numeric, json...: the grammar's own type names
    else:
        written = qualified_text(base)
    return f"{setof or ''}{written}{mods or ''}{pct or ''}{arrays or ''}"
