"""Integer id columns: which declared columns are keys, and which of them are 16 or 32 bits.

The integer-width rules (``prefer-bigint-over-int``, ``prefer-bigint-over-smallint``) judge
the same declarations and differ only in the width they look for, so they ask here:

* :func:`narrow_integer_columns` (for a ``ColumnDef`` or ``Constraint`` node): each column
  that this node declares, or makes a key, with an integer type of at most 32 bits
  (``smallint``, ``integer``, ``smallserial``, ``serial``), as a :class:`NarrowColumn` with its
  :attr:`~NarrowColumn.role` (``serial``, ``identity``, ``primary-key``, ``foreign-key``,
  ``sequence``) and its width (:attr:`~NarrowColumn.integer`: ``smallint`` or ``integer``).
  A column that is no key is only returned with ``all_columns``. Arrays are never returned;
* :func:`key_role`: why a declared column (a :class:`.definitions.ColumnSite`) is a key,
  judging by its own statement and, for ``ALTER COLUMN ... TYPE``, by the catalog;
  :func:`catalog_key_role`: the same question for a column the catalog already knows.

The model: an id is a serial, identity or sequence-fed column, or the only column of a primary
or foreign key. Members of composite keys (a retry count, a version) are counters, not ids,
unless a sequence feeds them. ``ALTER TABLE ... ADD PRIMARY KEY / FOREIGN KEY`` over a column
created earlier in the checked files is returned at the constraint, unless the column was
already a key when it was declared (it was returned there). Known gap: a key made by
``CREATE UNIQUE INDEX`` is not a key here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.sql import ast, enums

from .definitions import (
    ColumnSite,
    column_constraints,
    column_site,
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
)
from .types import INT32_OR_SMALLER, SERIALS, base_type, comparable, is_array, type_text

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.catalog.objects import Table

__all__ = ["NarrowColumn", "catalog_key_role", "key_role", "narrow_integer_columns"]

_KEY_CONSTRAINTS = (enums.ConstrType.CONSTR_PRIMARY, enums.ConstrType.CONSTR_FOREIGN)


@dataclass(frozen=True, slots=True)
class NarrowColumn:
    """A column of at most 32 bits, declared (or made a key) by the node being checked."""

    label: str  # '"table.column"' for a message
    shown: str  # its type as format_type() shows it: integer, smallint, serial...
    integer: str  # "smallint" or "integer": the width it really has (serials folded)
    role: str | None  # serial, identity, primary-key, foreign-key, sequence; None: no key
    node: ast.Node  # where to report: the column's type, or the key constraint


def narrow_integer_columns(
    node: ast.ColumnDef | ast.Constraint, ctx: Context, *, all_columns: bool = False
) -> Iterator[NarrowColumn]:
    """The 16- and 32-bit integer columns ``node`` declares or makes a key (see the module
    doc). With ``all_columns`` every such column a table declares is returned, key or not
    (and a later ADD PRIMARY KEY / FOREIGN KEY returns nothing: the column was returned
    where it was declared)."""
    if isinstance(node, ast.Constraint):
        if not all_columns:
            yield from _added_key(node, ctx)
        return
    site = column_site(node, ctx)
    if site is None or is_array(site.type_name):
        return
    if base_type(site.type_name) not in INT32_OR_SMALLER:
        return
    role = key_role(site, ctx)
    if role is None and not all_columns:
        return
    shown = type_text(site.type_name)
    yield NarrowColumn(site.label, shown, comparable(shown), role, site.type_name)


def key_role(site: ColumnSite, ctx: Context) -> str | None:
    """Why the column declared at ``site`` is an id (see the module doc), or None."""
    role = _role_in_statement(site)
    if role is not None:
        return role
    for c, cols in statement_constraints(site.stmt):
        if cols != [site.name]:
            continue  # a member of a composite key is a counter or a version, not an id
        if c.contype == enums.ConstrType.CONSTR_PRIMARY:
            return "primary-key"
        if c.contype == enums.ConstrType.CONSTR_FOREIGN:
            return "foreign-key"
    if site.kind == "alter-type":
        return catalog_key_role(ctx.catalog.table(site.table), site.name, ctx)
    return None


def catalog_key_role(table: Table | None, name: str, ctx: Context) -> str | None:
    """Why the catalog's column ``name`` of ``table`` is an id, or None."""
    if table is None:
        return None
    col = ctx.catalog.column(table, name)
    if col is not None and col.identity:
        return "identity"
    if col is not None and col.serial:
        return "serial"
    if col is not None and col.default and col.default.startswith("nextval("):
        return "sequence"
    pk = table.primary_key
    if pk is not None and pk.columns == [name]:
        return "primary-key"
    if any(fk.columns == [name] for fk in ctx.catalog.foreign_keys(table)):
        return "foreign-key"
    return None


def _role_in_statement(site: ColumnSite) -> str | None:
    """Why the column declared at ``site`` is a key, judging by its own definition."""
    if base_type(site.type_name) in SERIALS:
        return "serial"
    for c in column_constraints(site.coldef):
        if c.contype == enums.ConstrType.CONSTR_IDENTITY:
            return "identity"
        if c.contype == enums.ConstrType.CONSTR_PRIMARY:
            return "primary-key"
        if c.contype == enums.ConstrType.CONSTR_FOREIGN:
            return "foreign-key"
        if c.contype == enums.ConstrType.CONSTR_DEFAULT and _is_nextval(c.raw_expr):
            return "sequence"
    return None


def _is_nextval(expr: object) -> bool:
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    return util.func_name(expr) == "nextval"


def _added_key(con: ast.Constraint, ctx: Context) -> Iterator[NarrowColumn]:
    """ALTER TABLE ... ADD PRIMARY KEY / FOREIGN KEY over one integer column created earlier
    in the checked files (and not already a key there, where it was returned)."""
    if con.contype not in _KEY_CONSTRAINTS:
        return
    parents = ctx.parents
    if not parents or not isinstance(parents[-1], ast.AlterTableCmd):
        return
    owner = owner_of_constraint(con, ctx)
    if owner is None:
        return
    rel, cols, stmt = owner
    if len(cols) != 1:
        return  # members of composite keys are counters or versions, not ids
    name = cols[0]
    if name in statement_coldefs(stmt):
        return  # judged at its ColumnDef
    table = ctx.catalog.table(rel)
    if table is None:
        return
    col = ctx.catalog.column(table, name)
    if col is None or col.context or col.type.endswith("[]"):
        return
    integer = comparable(col.type)
    if integer not in ("integer", "smallint"):
        return
    if catalog_key_role(table, name, ctx) is not None:
        return  # already a key when it was declared: returned there
    role = "primary-key" if con.contype == enums.ConstrType.CONSTR_PRIMARY else "foreign-key"
    yield NarrowColumn(f'"{util.rv_name(rel)}.{name}"', col.type, integer, role, con)
