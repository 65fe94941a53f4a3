"""Migration facts: is a table existing (assumed large and live), what does ADD COLUMN add.

PostgreSQL locks and rewrites the same way for every table; what makes a statement dangerous
is that the table already holds data that applications are using. The catalog knows where
each relation came from (``ctx.catalog.origin_of``, ``ctx.catalog.is_new``):

* :func:`is_existing_relation`: not created earlier in the file (or migration unit) being
  checked, and not temporary. A relation never seen at all counts as existing (assume large
  and live). :func:`existing_alter_target` applies it to an ALTER TABLE of an ordinary table
  (shared per statement);
* :func:`existed_before`: the same test without the temporary-table exception (the rules of
  the compatibility family); :func:`column_is_new`: the column was added earlier in the
  current file; :func:`origin_is_current_file` for any catalog object;
* :func:`added_column`: what an ``ADD COLUMN`` column definition says (an
  :class:`AddedColumn`: normalised type, NOT NULL, DEFAULT, identity, generated, serial,
  constraints with NOT ENFORCED resolved); :func:`column_already_exists` for ``ADD COLUMN IF
  NOT EXISTS`` no-ops; :func:`domain_default` (a domain's DEFAULT a column inherits);
  :func:`volatile_call` (the first VOLATILE function an expression calls);
* :func:`runs_nested`: the statement sits in a DO block or a PL/pgSQL body.

Types are normalised by the catalog (:func:`pgarch_lint.catalog.normalize_type`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.catalog import Origin, normalize_type
from pgarch_lint.sql import ast, enums

from .memo import per_statement
from .nodes import is_null_const
from .types import SERIAL_SPELLINGS

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.catalog import Tracked

__all__ = [
    "AT",
    "CT",
    "AddedColumn",
    "added_column",
    "column_already_exists",
    "column_is_new",
    "domain_default",
    "existed_before",
    "existing_alter_target",
    "is_existing_relation",
    "origin_is_current_file",
    "runs_nested",
    "volatile_call",
]

AT = enums.AlterTableType
CT = enums.ConstrType


def is_existing_relation(rv: object, ctx: Context) -> bool:
    """The relation is not new in this file (created by an earlier file, by --context, or never
    seen at all: assume it is large and live), and it is not a temporary table."""
    if not isinstance(rv, ast.RangeVar):
        return False
    if rv.relpersistence == "t":
        return False
    cat = ctx.catalog
    if cat.is_new(rv):
        return False
    t = cat.table(rv)
    return not (t is not None and t.persistence == "temporary")


@per_statement
def existing_alter_target(node: ast.AlterTableStmt, ctx: Context) -> bool:
    """``ALTER TABLE`` of an existing, ordinary (not foreign, not temporary) table."""
    if node.objtype != enums.ObjectType.OBJECT_TABLE:
        return False
    return is_existing_relation(node.relation, ctx)


def origin_is_current_file(ctx: Context, obj: Tracked | None) -> bool:
    """``obj`` (a catalog object) was created earlier in the file being checked."""
    return obj is not None and ctx.catalog.origin_of(obj) is Origin.CURRENT_FILE


# --- ADD COLUMN -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddedColumn:
    """What an ``ADD COLUMN`` column definition says, with attribute markers resolved."""

    coldef: ast.ColumnDef
    name: str
    type: str  # normalised, e.g. "integer", "varchar(20)", "serial"
    not_null: bool  # NOT NULL or PRIMARY KEY
    default: (
        ast.Node | None
    )  # the DEFAULT expression node, None when absent (DEFAULT NULL counts as absent)
    identity: bool
    generated: str | None  # "stored" | "virtual" | None
    serial: bool
    constraints: tuple[tuple[ast.Constraint, bool], ...]  # (constraint, enforced)

    def has(self, contype: enums.ConstrType) -> Iterator[ast.Constraint]:
        for c, enforced in self.constraints:
            if c.contype == contype and enforced:
                yield c


def added_column(cmd: ast.AlterTableCmd) -> AddedColumn | None:
    """The column an ``AT_AddColumn`` command adds."""
    cd = cmd.def_
    if cmd.subtype != AT.AT_AddColumn or not isinstance(cd, ast.ColumnDef):
        return None
    tname = normalize_type(cd.typeName)
    names = util.names_of(cd.typeName) if cd.typeName is not None else []
    serial = len(names) == 1 and names[0].lower() in SERIAL_SPELLINGS
    not_null = bool(cd.is_not_null)
    default: ast.Node | None = cd.raw_default
    identity = False
    generated: str | None = None
    cons: list[tuple[ast.Constraint, bool]] = []
    for c in cd.constraints or ():
        if not isinstance(c, ast.Constraint):
            continue
        ct = c.contype
        if ct == CT.CONSTR_ATTR_NOT_ENFORCED and cons:
            cons[-1] = (cons[-1][0], False)
            continue
        if ct in (
            CT.CONSTR_ATTR_ENFORCED,
            CT.CONSTR_ATTR_DEFERRABLE,
            CT.CONSTR_ATTR_NOT_DEFERRABLE,
            CT.CONSTR_ATTR_DEFERRED,
            CT.CONSTR_ATTR_IMMEDIATE,
        ):
            continue
        if ct in (CT.CONSTR_NOTNULL, CT.CONSTR_PRIMARY):
            not_null = True
        elif ct == CT.CONSTR_NULL:
            not_null = False
        elif ct == CT.CONSTR_DEFAULT:
            default = c.raw_expr
        elif ct == CT.CONSTR_IDENTITY:
            identity = True
        elif ct == CT.CONSTR_GENERATED:
            generated = "virtual" if c.generated_kind == "v" else "stored"
        enforced = not (ct in (CT.CONSTR_CHECK, CT.CONSTR_FOREIGN) and c.is_enforced is False)
        cons.append((c, enforced))
    if default is not None and is_null_const(default):
        default = None
    return AddedColumn(
        coldef=cd,
        name=cd.colname or "",
        type=tname,
        not_null=not_null,
        default=default,
        identity=identity,
        generated=generated,
        serial=serial,
        constraints=tuple(cons),
    )


def column_already_exists(
    cmd: ast.AlterTableCmd, rv: ast.RangeVar, name: str, ctx: Context
) -> bool:
    """``ADD COLUMN IF NOT EXISTS`` of a column the catalog already has: a no-op."""
    if not cmd.missing_ok:
        return False
    t = ctx.catalog.table(rv)
    return t is not None and ctx.catalog.column(t, name) is not None


def domain_default(type_name: str, ctx: Context) -> str | None:
    """The DEFAULT of a domain type the catalog knows (a column of that type inherits it)."""
    td = ctx.catalog.type(type_name)
    if td is not None and td.kind == "domain":
        return td.default
    return None


def volatile_call(expr: ast.Node | None, ctx: Context) -> str | None:
    """The first VOLATILE function ``expr`` calls, as ``name()`` (see
    :meth:`Catalog.volatile_call`); None when the expression is not volatile."""
    fname = ctx.catalog.volatile_call(expr)
    return f"{fname}()" if fname is not None else None


# --- where a relation or column comes from ------------------------------------------------


def existed_before(ctx: Context, rv: object) -> bool:
    """The relation was not created earlier in the file being checked (unknown = existing;
    unlike :func:`is_existing_relation`, a temporary table counts too)."""
    if not isinstance(rv, ast.RangeVar):
        return False
    return not ctx.catalog.is_new(rv)


def column_is_new(ctx: Context, rv: object, column: str | None) -> bool:
    """The column was added earlier in the current file (nobody can be using it yet)."""
    if not column or not isinstance(rv, ast.RangeVar):
        return False
    table = ctx.catalog.table(rv)
    col = ctx.catalog.column(table, column)
    return col is not None and ctx.catalog.origin_of(col) is Origin.CURRENT_FILE


def runs_nested(ctx: Context) -> bool:
    """The statement sits inside a DO block or a PL/pgSQL body."""
    return ctx.statement is not None and ctx.statement.nested
