"""Helpers shared by the schema-design rules (column types, key columns, FK clauses).

Not a rule module (the registry skips names starting with ``_``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pgarch_lint.api import Context, ast, enums, per_statement, util

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

INT32_OR_SMALLER = frozenset({"int4", "int2", "serial", "smallserial"})
SERIALS = frozenset({"serial", "bigserial", "smallserial"})


def type_parts(tn: Any) -> list[str]:
    return [str(n.sval) for n in (getattr(tn, "names", None) or ()) if isinstance(n, ast.String)]


def base_type(tn: Any) -> str:
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


def typmods(tn: Any) -> list[str]:
    out: list[str] = []
    for m in getattr(tn, "typmods", None) or ():
        if isinstance(m, ast.A_Const):
            val = m.val
            if isinstance(val, ast.Integer):
                out.append(str(val.ival))
            elif isinstance(val, ast.String):
                out.append(str(val.sval))
    return out


def is_array(tn: Any) -> bool:
    return bool(getattr(tn, "arrayBounds", None))


def type_text(tn: Any) -> str:
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


# --- where a column type is declared ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnSite:
    """A column declaration with a type: CREATE TABLE, ADD COLUMN or ALTER COLUMN ... TYPE."""

    name: str
    type_name: Any  # ast.TypeName
    table: Any  # ast.RangeVar
    kind: str  # "create" | "add" | "alter-type"
    coldef: Any  # ast.ColumnDef
    stmt: Any  # ast.CreateStmt | ast.AlterTableStmt

    @property
    def label(self) -> str:
        return f'"{util.rv_name(self.table)}.{self.name}"'


@per_statement
def column_site(node: Any, ctx: Context) -> ColumnSite | None:
    """Where the ColumnDef ``node`` sits, or None when it is not a table column with a type
    (composite types, function column lists, foreign tables, partition column options)."""
    tn = getattr(node, "typeName", None)
    parents = ctx.parents
    if tn is None or not parents:
        return None
    parent = parents[-1]
    if isinstance(parent, ast.CreateStmt):
        if any(isinstance(p, ast.CreateForeignTableStmt) for p in parents):
            return None
        if not isinstance(parent.relation, ast.RangeVar):
            return None
        return ColumnSite(node.colname or "", tn, parent.relation, "create", node, parent)
    if isinstance(parent, ast.AlterTableCmd) and len(parents) >= 2:
        stmt = parents[-2]
        if (
            not isinstance(stmt, ast.AlterTableStmt)
            or stmt.objtype != enums.ObjectType.OBJECT_TABLE
        ):
            return None
        if not isinstance(stmt.relation, ast.RangeVar):
            return None
        if parent.subtype == enums.AlterTableType.AT_AddColumn:
            return ColumnSite(node.colname or "", tn, stmt.relation, "add", node, stmt)
        if parent.subtype == enums.AlterTableType.AT_AlterColumnType:
            return ColumnSite(parent.name or "", tn, stmt.relation, "alter-type", node, stmt)
    return None


def contype(con: Any) -> Any:
    return getattr(con, "contype", None)


def column_constraints(cd: Any) -> Iterator[Any]:
    for c in getattr(cd, "constraints", None) or ():
        if isinstance(c, ast.Constraint):
            yield c


def statement_coldefs(stmt: Any) -> dict[str, Any]:
    """Column definitions a CREATE TABLE / ALTER TABLE statement itself declares, by name
    (ALTER COLUMN ... TYPE in the same statement overrides the type)."""
    out: dict[str, Any] = {}
    if isinstance(stmt, ast.CreateStmt):
        for elt in stmt.tableElts or ():
            if isinstance(elt, ast.ColumnDef) and elt.typeName is not None and elt.colname:
                out[elt.colname] = elt
    elif isinstance(stmt, ast.AlterTableStmt):
        for cmd in util.alter_cmds(stmt):
            if cmd.subtype == enums.AlterTableType.AT_AddColumn and isinstance(
                cmd.def_, ast.ColumnDef
            ):
                if cmd.def_.colname and cmd.def_.typeName is not None:
                    out[cmd.def_.colname] = cmd.def_
            elif (
                cmd.subtype == enums.AlterTableType.AT_AlterColumnType
                and cmd.name
                and isinstance(cmd.def_, ast.ColumnDef)
                and cmd.def_.typeName is not None
            ):
                out[cmd.name] = cmd.def_
    return out


def statement_constraints(stmt: Any) -> Iterator[tuple[Any, list[str]]]:
    """Every constraint a CREATE TABLE / ALTER TABLE statement declares, with its columns
    (inline column constraints get their column)."""
    if isinstance(stmt, ast.CreateStmt):
        for elt in stmt.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                for c in column_constraints(elt):
                    yield c, [elt.colname or ""]
            elif isinstance(elt, ast.Constraint):
                yield elt, constraint_columns(elt)
    elif isinstance(stmt, ast.AlterTableStmt):
        for cmd in util.alter_cmds(stmt):
            d = cmd.def_
            if cmd.subtype == enums.AlterTableType.AT_AddColumn and isinstance(d, ast.ColumnDef):
                for c in column_constraints(d):
                    yield c, [d.colname or ""]
            elif cmd.subtype == enums.AlterTableType.AT_AddConstraint and isinstance(
                d, ast.Constraint
            ):
                yield d, constraint_columns(d)


def constraint_columns(con: Any) -> list[str]:
    """Key columns of a table-level constraint (PK/UNIQUE keys, FK referencing columns)."""
    ct = contype(con)
    if ct == enums.ConstrType.CONSTR_FOREIGN:
        return util.names_of(con.fk_attrs)
    return util.names_of(con.keys)


def owner_of_constraint(con: Any, ctx: Context) -> tuple[Any, list[str], Any] | None:
    """(table RangeVar, columns, statement) of a constraint being declared; None elsewhere
    (domains, foreign tables, ALTER TYPE)."""
    parents = ctx.parents
    if not parents:
        return None
    parent = parents[-1]
    stmt: Any
    if isinstance(parent, ast.ColumnDef):
        if len(parents) < 2:
            return None
        holder = parents[-2]
        if isinstance(holder, ast.CreateStmt):
            stmt = holder
        elif (
            isinstance(holder, ast.AlterTableCmd)
            and holder.subtype == enums.AlterTableType.AT_AddColumn
            and len(parents) >= 3
        ):
            stmt = parents[-3]
        else:
            return None
        cols = [parent.colname or ""]
    elif isinstance(parent, ast.CreateStmt):
        stmt, cols = parent, constraint_columns(con)
    elif (
        isinstance(parent, ast.AlterTableCmd)
        and parent.subtype == enums.AlterTableType.AT_AddConstraint
        and len(parents) >= 2
    ):
        stmt, cols = parents[-2], constraint_columns(con)
    else:
        return None
    if isinstance(stmt, ast.AlterTableStmt) and stmt.objtype != enums.ObjectType.OBJECT_TABLE:
        return None
    if any(isinstance(p, ast.CreateForeignTableStmt) for p in parents):
        return None
    rel = getattr(stmt, "relation", None)
    if not isinstance(rel, ast.RangeVar):
        return None
    return rel, cols, stmt


def quoted_list(names: list[str]) -> str:
    return ", ".join(util.quote_ident(n) for n in names)


# --- FOREIGN KEY clause text ---------------------------------------------------------------

_TOKENS = re.compile(
    r"""\s+|--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][\w$]*|\S""",
    re.DOTALL,
)


def _words(text: str) -> Iterator[str]:
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if tok[0].isspace() or tok.startswith("--") or tok.startswith("/*"):
            continue
        yield tok


def written_fk_actions(text: str) -> set[str]:
    """Which of ``on-delete`` / ``on-update`` a FOREIGN KEY clause spells out.

    ``text`` starts at the constraint (``CONSTRAINT x FOREIGN KEY ...`` or ``REFERENCES ...``).
    Reads ``REFERENCES name [(cols)] [MATCH kind]`` and then the ``ON DELETE|UPDATE action``
    clauses that follow, so an explicit ``NO ACTION`` (which the parse tree cannot tell from an
    omitted action) counts as written.
    """
    toks = list(_take(_words(text), 400))
    low = [t.lower() for t in toks]
    try:
        i = low.index("references")
    except ValueError:
        return set()
    i += 1
    # referenced name: ident [. ident]
    if i < len(low):
        i += 1
        while i + 1 < len(low) and low[i] == ".":
            i += 2
    if i < len(low) and low[i] == "(":
        depth = 0
        while i < len(low):
            if low[i] == "(":
                depth += 1
            elif low[i] == ")":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            i += 1
    if i < len(low) and low[i] == "match":
        i += 2
    found: set[str] = set()
    while i + 1 < len(low) and low[i] == "on" and low[i + 1] in ("delete", "update"):
        found.add("on-" + low[i + 1])
        i += 2
        # action: NO ACTION | RESTRICT | CASCADE | SET NULL [(cols)] | SET DEFAULT [(cols)]
        if i < len(low) and low[i] in ("no", "set"):
            i += 2
        else:
            i += 1
        if i < len(low) and low[i] == "(":
            while i < len(low) and low[i] != ")":
                i += 1
            i += 1
    return found


def _take(it: Iterator[str], n: int) -> Iterator[str]:
    for k, v in enumerate(it):
        if k >= n:
            return
        yield v
