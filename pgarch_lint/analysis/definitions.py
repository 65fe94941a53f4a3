"""What a CREATE TABLE / ALTER TABLE statement declares: column sites, constraints, FK clauses.

Rules that judge a declaration where it is written (a column's type, a key's columns) ask
here rather than re-walk the statement:

* :func:`column_site` (for a ``ColumnDef`` node): a :class:`ColumnSite` when the column
  belongs to a table and has a type (CREATE TABLE, ADD COLUMN, ALTER COLUMN ... TYPE), with
  its table's RangeVar and its statement; None for composite types, function column lists,
  foreign tables and partition column options. Shared per node (:mod:`.memo`);
* :func:`statement_coldefs`: the column definitions a statement itself declares, by name;
  :func:`statement_constraints`: every constraint it declares, with its columns (inline
  column constraints get their column); :func:`constraint_columns` for one constraint;
* :func:`owner_of_constraint` (for a ``Constraint`` node): the table, columns and statement
  of a table constraint being declared;
* :func:`written_fk_actions`: which of ``ON DELETE`` / ``ON UPDATE`` a FOREIGN KEY clause
  spells out in its text (the parse tree cannot tell an explicit ``NO ACTION`` from none).

Types are read with :mod:`.types`. The catalog holds the result of the statement once it is
applied; these readers see the statement as written, before it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from pgarch_lint import astutil as util
from pgarch_lint.sql import ast, enums

from .memo import per_statement

if TYPE_CHECKING:
    from pgarch_lint.api import Context

__all__ = [
    "ColumnSite",
    "column_constraints",
    "column_site",
    "constraint_columns",
    "contype",
    "owner_of_constraint",
    "statement_coldefs",
    "statement_constraints",
    "written_fk_actions",
]

# --- where a column type is declared ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnSite:
    """A column declaration with a type: CREATE TABLE, ADD COLUMN or ALTER COLUMN ... TYPE."""

    name: str
    type_name: ast.TypeName
    table: ast.RangeVar
    kind: str  # "create" | "add" | "alter-type"
    coldef: ast.ColumnDef
    stmt: ast.CreateStmt | ast.AlterTableStmt

    @property
    def label(self) -> str:
        return f'"{util.rv_name(self.table)}.{self.name}"'


@per_statement
def column_site(node: ast.ColumnDef, ctx: Context) -> ColumnSite | None:
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


def contype(con: object) -> enums.ConstrType | None:
    """The ``ConstrType`` of a constraint node (None for other nodes)."""
    return getattr(con, "contype", None)


def column_constraints(cd: object) -> Iterator[ast.Constraint]:
    """The constraints written on a column definition."""
    for c in getattr(cd, "constraints", None) or ():
        if isinstance(c, ast.Constraint):
            yield c


def statement_coldefs(stmt: ast.Node | None) -> dict[str, ast.ColumnDef]:
    """Column definitions a CREATE TABLE / ALTER TABLE statement itself declares, by name
    (ALTER COLUMN ... TYPE in the same statement overrides the type)."""
    out: dict[str, ast.ColumnDef] = {}
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


def statement_constraints(stmt: ast.Node | None) -> Iterator[tuple[ast.Constraint, list[str]]]:
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


def constraint_columns(con: ast.Constraint) -> list[str]:
    """Key columns of a table-level constraint (PK/UNIQUE keys, FK referencing columns)."""
    ct = contype(con)
    if ct == enums.ConstrType.CONSTR_FOREIGN:
        return util.names_of(con.fk_attrs)
    return util.names_of(con.keys)


def owner_of_constraint(
    con: ast.Constraint, ctx: Context
) -> tuple[ast.RangeVar, list[str], ast.CreateStmt | ast.AlterTableStmt] | None:
    """(table RangeVar, columns, statement) of a constraint being declared; None elsewhere
    (domains, foreign tables, ALTER TYPE)."""
    parents = ctx.parents
    if not parents:
        return None
    parent = parents[-1]
    stmt: ast.Node
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
    # the holder of an AlterTableCmd is an AlterTableStmt
    return rel, cols, cast("ast.CreateStmt | ast.AlterTableStmt", stmt)


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
