"""Type facts for rules: canonical names, display names, serials, integer widths, families.

The catalog owns how a column's type is *stored*: :func:`pgarch_lint.catalog.normalize_type`
turns a TypeName into the text of ``Column.type`` (``integer``, ``varchar(10)``,
``numeric(10,2)``, ``text[]``, ``serial``) and :func:`pgarch_lint.catalog.is_binary_coercible`
says whether ``ALTER COLUMN ... TYPE`` can skip the rewrite (both re-exported here and
through ``pgarch_lint.api``). This module answers the other questions rules ask, in three
forms of a type:

* the *canonical base name* of a TypeName (:func:`base_type`): PostgreSQL's internal name
  (``int4``, ``int8``, ``varchar``, ``bpchar``, ``timestamptz``, ``float8``), whatever
  spelling the SQL used; serials keep their own name (``serial``, ``bigserial``,
  ``smallserial``); the single-byte ``"char"`` stays ``char``; user types keep their
  (qualified) name. Rules test it against the constants here: :data:`SERIALS`,
  :data:`INT32_OR_SMALLER`;
* the *display text* (:func:`type_text`): what ``format_type()`` shows (``integer``,
  ``varchar(10)``, ``double precision``, ``text[]``), for messages;
* the *comparable form* of any type string, a ``type_text`` or a catalog ``Column.type``
  (:func:`comparable`): aliases folded, serials to the integer type they create, so that
  equal types compare equal; :func:`resolved_type` also resolves domains through the catalog.

:func:`compare_types` grades one comparable type against another (:data:`SAME`,
:data:`ALIKE`, :data:`WIDER`, :data:`NARROWER`, :data:`OTHER`) by family: integer and float
widths, text/varchar/char lengths, numeric precision and scale, fractional-second precision.
:func:`serial_integer` gives the integer type a serial column really has; :data:`INT_MAX` the
largest value of each integer type; :data:`SERIAL_SPELLINGS` and :data:`INTEGER_SPELLINGS`
every way a serial or an integer type can be written.
"""

from __future__ import annotations

from collections.abc import Mapping

from pgarch_lint.catalog import CatalogView, is_binary_coercible, normalize_type
from pgarch_lint.catalog.types import UUID_GENERATORS
from pgarch_lint.sql import ast

__all__ = [
    "ALIKE",
    "INT32_OR_SMALLER",
    "INTEGER_SPELLINGS",
    "INT_MAX",
    "NARROWER",
    "OTHER",
    "SAME",
    "SERIALS",
    "SERIAL_INTEGER",
    "SERIAL_SPELLINGS",
    "UUID_GENERATORS",
    "WIDER",
    "base_type",
    "comparable",
    "compare_types",
    "is_array",
    "is_binary_coercible",
    "normalize_type",
    "resolved_type",
    "serial_integer",
    "split_typmods",
    "type_parts",
    "type_text",
    "typmods",
]

# Canonical base names: PostgreSQL's internal names, whatever spelling the SQL used.
_CANON: dict[str, str] = {
    "int": "int4",
    "integer": "int4",
    "int4": "int4",
    "smallint": "int2",
    "int2": "int2",
    "bigint": "int8",
    "int8": "int8",
    "serial": "serial",
    "serial4": "serial",
    "bigserial": "bigserial",
    "serial8": "bigserial",
    "smallserial": "smallserial",
    "serial2": "smallserial",
    "real": "float4",
    "float4": "float4",
    "double precision": "float8",
    "float8": "float8",
    "float": "float8",
    "decimal": "numeric",
    "numeric": "numeric",
    "bool": "bool",
    "boolean": "bool",
    "varchar": "varchar",
    "character varying": "varchar",
    "bpchar": "bpchar",
    "character": "bpchar",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
    "time": "time",
    "time without time zone": "time",
    "timetz": "timetz",
    "time with time zone": "timetz",
    "varbit": "varbit",
    "bit varying": "varbit",
}

# Display names (what format_type() prints, short forms) for canonical base names.
_DISPLAY: dict[str, str] = {
    "int4": "integer",
    "int2": "smallint",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "bpchar": "char",
}

# serial pseudo-types → the integer type they create (for type comparisons).
_SERIAL_BASE = {"serial": "int4", "bigserial": "int8", "smallserial": "int2"}

#: canonical base names of the serial pseudo-types
SERIALS = frozenset({"serial", "bigserial", "smallserial"})
#: canonical base names of the integer types that hold at most 32 bits (serials included)
INT32_OR_SMALLER = frozenset({"int4", "int2", "serial", "smallserial"})
#: every spelling of a serial pseudo-type (``serial4``, ``bigserial``...)
SERIAL_SPELLINGS = frozenset(k for k, v in _CANON.items() if v in SERIALS)
#: every spelling of an integer type (``int``, ``integer``, ``int4``, ``bigint``...)
INTEGER_SPELLINGS = frozenset(k for k, v in _CANON.items() if v in ("int2", "int4", "int8"))
#: a serial pseudo-type → the integer type (display name) its column really has
SERIAL_INTEGER: Mapping[str, str] = {s: _DISPLAY[b] for s, b in _SERIAL_BASE.items()}
#: the largest value of each integer type (display names)
INT_MAX: Mapping[str, int] = {
    "smallint": 2**15 - 1,
    "integer": 2**31 - 1,
    "bigint": 2**63 - 1,
}


def type_parts(tn: ast.TypeName | None) -> list[str]:
    """The name parts of a TypeName, as written (``["pg_catalog", "int4"]``)."""
    return [str(n.sval) for n in (getattr(tn, "names", None) or ()) if isinstance(n, ast.String)]


def base_type(tn: ast.TypeName | None) -> str:
    """Canonical base name of a TypeName (``int4``, ``varchar``, ``bpchar``, ``timestamp``...).

    Built-in types are recognised whether written unqualified or as ``pg_catalog.x``; the
    single-byte ``"char"`` type stays ``char``. User types keep their (qualified) name.
    """
    parts = type_parts(tn)
    if not parts:
        return ""
    if len(parts) == 2 and parts[0] == "pg_catalog":
        name = parts[1]
        return _CANON.get(name, name)
    if len(parts) == 1:
        return _CANON.get(parts[0], parts[0])
    return ".".join(parts)


def typmods(tn: ast.TypeName | None) -> list[str]:
    """The type modifiers of a TypeName as text (``varchar(10)`` → ``["10"]``)."""
    out: list[str] = []
    for m in getattr(tn, "typmods", None) or ():
        if isinstance(m, ast.A_Const):
            val = m.val
            if isinstance(val, ast.Integer):
                out.append(str(val.ival))
            elif isinstance(val, ast.String):
                out.append(str(val.sval))
    return out


def is_array(tn: ast.TypeName | None) -> bool:
    """Whether a TypeName is an array type."""
    return bool(getattr(tn, "arrayBounds", None))


def type_text(tn: ast.TypeName | None) -> str:
    """A TypeName as ``format_type()`` would show it: ``integer``, ``varchar(10)``, ``text[]``.

    ``char`` written without a length is ``char(1)``; the ``"char"`` type shows as ``"char"``.
    """
    parts = type_parts(tn)
    base = base_type(tn)
    shown = '"char"' if parts == ["char"] else _DISPLAY.get(base, base)
    mods = typmods(tn)
    if mods and base != "interval":
        shown = f"{shown}({','.join(mods)})"
    return shown + "[]" * len(getattr(tn, "arrayBounds", None) or ())


def comparable(type_str: str) -> str:
    """A type string (``type_text`` or the catalog's normalised ``Column.type``) reduced to a
    form where equal types compare equal: aliases folded, serials to their integer type."""
    t = type_str.strip().lower()
    dims = 0
    while t.endswith("[]"):
        t = t[:-2]
        dims += 1
    base, paren, rest = t.partition("(")
    base = base.strip()
    if base.startswith("pg_catalog."):
        base = base[len("pg_catalog.") :]
    base = _CANON.get(base, base)
    base = _SERIAL_BASE.get(base, base)
    base = _DISPLAY.get(base, base)
    base = base.strip('"') if base == '"char"' else base
    mods = f"({rest.replace(' ', '')}" if paren else ""
    return base + mods + "[]" * dims


def serial_integer(type_str: str) -> str:
    """``serial`` → ``integer`` etc.: the type a serial column really has (other types are
    returned unchanged)."""
    return SERIAL_INTEGER.get(type_str, type_str)


# --- comparing two types ----------------------------------------------------------------------


def resolved_type(type_str: str, catalog: CatalogView) -> str:
    """A comparable type: aliases and serials folded, domains resolved to their base type,
    user types qualified when the catalog knows them."""
    t = comparable(type_str)
    for _ in range(5):  # domains over domains
        arr = t.endswith("[]")
        bare = t[:-2] if arr else t
        td = catalog.type(bare) if bare and "(" not in bare else None
        if td is None:
            break
        if td.kind == "domain" and td.base_type:
            t = comparable(td.base_type) + ("[]" if arr else "")
            continue
        t = td.qualified + ("[]" if arr else "")
        break
    return t


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    # an unresolved user type written once qualified and once not
    return "." in a + b and a.rsplit(".", 1)[-1] == b.rsplit(".", 1)[-1]


#: How one type compares with another (:func:`compare_types`)
SAME, ALIKE, WIDER, NARROWER, OTHER = "same", "alike", "wider", "narrower", "other"

_INT_BYTES = {"smallint": 2, "integer": 4, "bigint": 8}
_FLOAT_BYTES = {"real": 4, "double precision": 8}
_STRINGS = frozenset({"varchar", "text"})
_TIMES = frozenset({"timestamp", "timestamptz", "time", "timetz"})
_UNLIMITED = 10**9  # a length or precision that is not limited


def split_typmods(t: str) -> tuple[str, list[int] | None]:
    """``varchar(10)`` → ("varchar", [10]); None when the modifiers are not numbers."""
    base, paren, rest = t.partition("(")
    if not paren:
        return base, []
    try:
        return base, [int(x) for x in rest.rstrip(")").split(",")]
    except ValueError:
        return t, None


def _holds(child: int, parent: int) -> str:
    return ALIKE if child == parent else WIDER if child > parent else NARROWER


def compare_types(child: str, parent: str) -> str:
    """How a referencing column of type ``child`` compares with a referenced column of type
    ``parent`` (both as :func:`resolved_type` gives them): SAME; ALIKE (spelled differently, the
    same values: ``text`` and ``varchar``, ``timestamptz`` and ``timestamptz(6)``); WIDER (it
    holds every referenced value: a wider integer, a longer or unlimited string, more
    precision); NARROWER (it
    cannot hold every referenced value: a narrower integer, a shorter string, less
    precision or scale); OTHER (another type family, or types this check cannot compare)."""
    if _same(child, parent):
        return SAME
    while child.endswith("[]") and parent.endswith("[]"):
        child, parent = child[:-2], parent[:-2]
    if child.endswith("[]") or parent.endswith("[]"):
        return OTHER
    (cb, cm), (pb, pm) = split_typmods(child), split_typmods(parent)
    if cm is None or pm is None:
        return OTHER
    if cb in _INT_BYTES and pb in _INT_BYTES:
        return _holds(_INT_BYTES[cb], _INT_BYTES[pb])
    if cb in _FLOAT_BYTES and pb in _FLOAT_BYTES:
        return _holds(_FLOAT_BYTES[cb], _FLOAT_BYTES[pb])
    if (cb in _STRINGS and pb in _STRINGS) or (cb == pb and cb in ("char", "varbit")):
        # text, and varchar or char without a length, hold any length
        return _holds(cm[0] if cm else _UNLIMITED, pm[0] if pm else _UNLIMITED)
    if cb == pb == "numeric":
        if not cm or not pm:
            # unconstrained numeric holds any value
            return WIDER if not cm else NARROWER
        cp, cs = cm[0], cm[1] if len(cm) > 1 else 0
        pp, ps = pm[0], pm[1] if len(pm) > 1 else 0
        if (cp, cs) == (pp, ps):
            return ALIKE
        # a smaller scale rounds referenced values; fewer integer digits overflow
        return WIDER if cs >= ps and cp - cs >= pp - ps else NARROWER
    if cb == pb and cb in _TIMES:
        # fractional-second digits: 6 when not given (the most there is)
        return _holds(cm[0] if cm else 6, pm[0] if pm else 6)
    return OTHER
