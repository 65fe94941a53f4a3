"""Type knowledge: how the catalog writes a type, and which type changes skip a rewrite.

Normalised type names
=====================

:func:`normalize_type` writes a ``TypeName`` the way PostgreSQL's ``format_type()`` shows it,
in its short form: ``integer``, ``bigint``, ``varchar(10)``, ``numeric(10,2)``, ``text[]``,
``timestamptz``, ``double precision``... (``int4``, ``character varying``, ``decimal`` and the
other aliases are folded). ``serial``/``bigserial``/``smallserial`` keep their name (a column
records that it was declared serial); :data:`SERIAL_BASE_TYPES` gives the integer type behind
each. Every type the catalog stores (columns, function arguments, domains, sequences) is
normalised this way, so two spellings of one type compare equal.

Binary-coercible type changes
=============================

:func:`is_binary_coercible` answers whether ``ALTER COLUMN ... TYPE`` can skip the table
rewrite. It returns True for:

- the same type (after normalisation);
- ``varchar(n)`` → ``varchar(m)`` with ``m >= n``, → ``varchar`` (unconstrained) or → ``text``;
- ``varchar`` (unconstrained) → ``text`` and ``text`` → ``varchar`` (no length);
- ``numeric(p,s)`` → ``numeric(p2,s)`` with ``p2 >= p`` and the same scale, or → ``numeric``;
- ``varbit(n)`` → ``varbit(m)`` with ``m >= n`` or → ``varbit``;
- ``cidr`` → ``inet``;
- ``timestamp``/``timestamptz``/``time``/``timetz`` with the fractional-second precision
  widened or dropped (``timestamp(3)`` → ``timestamp``); narrowing it rounds every value.

Everything else (including any array change) is treated as a rewrite.
"""

from __future__ import annotations

import re
from typing import Any

from pgarch_lint.catalog.names import shared
from pgarch_lint.sql import ast, deparse

__all__ = [
    "SERIAL_BASE_TYPES",
    "TEMPORAL_TYPES",
    "UUID_GENERATORS",
    "is_binary_coercible",
    "normalize_type",
    "rename_type_text",
    "split_type",
    "value_text",
]

#: functions that make a new uuid value (built-in, uuid-ossp, PostgreSQL 18's uuidv4/uuidv7)
UUID_GENERATORS: frozenset[str] = frozenset(
    {
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "uuid_generate_v7",
        "uuidv4",
        "uuidv7",
    }
)

# pglast's pg_catalog type names → the names PostgreSQL's format_type() shows (short forms).
_TYPE_NAMES: dict[str, str] = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "bpchar": "char",
    "varchar": "varchar",
    "timestamptz": "timestamptz",
    "timestamp": "timestamp",
    "timetz": "timetz",
    "time": "time",
    "interval": "interval",
    "numeric": "numeric",
    "bit": "bit",
    "varbit": "varbit",
}
_SERIALS = {
    "serial": "serial",
    "serial4": "serial",
    "bigserial": "bigserial",
    "serial8": "bigserial",
    "smallserial": "smallserial",
    "serial2": "smallserial",
}
_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "float8": "double precision",
    "float4": "real",
    "bool": "boolean",
    "character varying": "varchar",
    "character": "char",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "decimal": "numeric",
    "bit varying": "varbit",
    "bpchar": "char",
}

#: the normalised serial pseudo-types → the integer type of the column they declare
SERIAL_BASE_TYPES: dict[str, str] = {
    "serial": "integer",
    "bigserial": "bigint",
    "smallserial": "smallint",
}

#: date/time types with a fractional-second precision (``timestamp(3)``)
TEMPORAL_TYPES = frozenset({"timestamp", "timestamptz", "time", "timetz"})


def value_text(node: Any) -> str:
    """The text of a String/Integer/Float/Boolean value node or A_Const, of a TypeName
    (normalised), of a list of those (joined with ``.``); anything else deparsed."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    if isinstance(node, ast.A_Const):
        return "null" if node.isnull else value_text(node.val)
    if isinstance(node, ast.String):
        return node.sval or ""
    if isinstance(node, ast.Integer):
        return str(node.ival)
    if isinstance(node, ast.Float):
        return str(node.fval)
    if isinstance(node, ast.Boolean):
        return "true" if node.boolval else "false"
    if isinstance(node, ast.TypeName):
        return normalize_type(node)
    if isinstance(node, (tuple, list)):
        return ".".join(value_text(x) for x in node)
    return deparse(node)


def normalize_type(tn: ast.TypeName | None) -> str:
    """A TypeName as text: ``integer``, ``varchar(10)``, ``numeric(10,2)``, ``text[]``..."""
    if tn is None:
        return ""
    names = [value_text(n) for n in (tn.names or ())]
    if not names:
        return ""
    if len(names) == 2 and names[0] == "pg_catalog":
        base = _TYPE_NAMES.get(names[1], names[1])
    elif len(names) == 1:
        base = _SERIALS.get(names[0]) or _ALIASES.get(names[0], names[0])
    else:
        base = ".".join(names)
    mods = []
    for m in tn.typmods or ():
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer):
            mods.append(str(m.val.ival))
        elif isinstance(m, ast.A_Const):
            mods.append(value_text(m))
        elif isinstance(m, ast.ColumnRef):
            mods.append(value_text(m.fields[-1]) if m.fields else "")
    text = base
    if mods and base != "interval":
        text = f"{base}({','.join(mods)})"
    if tn.pct_type:
        text += "%type"
    dims = len(tn.arrayBounds or ())
    if tn.setof:
        text = "setof " + text
    return shared(text + "[]" * dims)


_TYPE_TEXT = re.compile(r"(setof )?(.+?)(\([^()]*\))?(%type)?((?:\[\])*)", re.DOTALL)


def rename_type_text(text: str, old: str, new: str) -> str:
    """``text`` (a normalised type) with its base type ``old`` replaced by ``new``, modifiers
    and array dimensions kept (``old[]`` → ``new[]``); ``text`` unchanged when its base is
    another type."""
    m = _TYPE_TEXT.fullmatch(text)
    if m is None or m.group(2) != old:
        return text
    setof, _, mods, pct, arrays = m.groups()
    return f"{setof or ''}{new}{mods or ''}{pct or ''}{arrays or ''}"


def split_type(t: str) -> tuple[str, list[int] | None]:
    """A normalised type's base name and integer modifiers: ``numeric(10,2)`` →
    ``("numeric", [10, 2])``; ``(t, None)`` without (integer) modifiers."""
    if "(" not in t or not t.endswith(")"):
        return t, None
    base, _, rest = t.partition("(")
    try:
        return base, [int(x) for x in rest[:-1].split(",")]
    except ValueError:
        return t, None


def is_binary_coercible(old_type: str, new_type: str) -> bool:
    """Can ``ALTER COLUMN ... TYPE old → new`` skip the table rewrite? (see module doc)."""
    old = old_type.strip().lower()
    new = new_type.strip().lower()
    for a, b in _ALIASES.items():
        if old == a:
            old = b
        if new == a:
            new = b
    if old == new:
        return True
    if old.endswith("[]") or new.endswith("[]"):
        return False
    ob, om = split_type(old)
    nb, nm = split_type(new)
    if ob == "varchar":
        if nb == "text" and nm is None:
            return True
        if nb == "varchar":
            return nm is None or (om is not None and nm[0] >= om[0])
        return False
    if ob == "text":
        return nb == "varchar" and nm is None
    if ob == "numeric" and nb == "numeric":
        if nm is None:
            return True
        if om is None:
            return False
        os_ = om[1] if len(om) > 1 else 0
        ns = nm[1] if len(nm) > 1 else 0
        return nm[0] >= om[0] and os_ == ns
    if ob == "varbit" and nb == "varbit":
        return nm is None or (om is not None and nm[0] >= om[0])
    if ob == nb and ob in TEMPORAL_TYPES:
        return nm is None or (om is not None and nm[0] >= om[0])
    return ob == "cidr" and nb == "inet" and om is None and nm is None
