"""Helpers shared by the migration-safety rules (part A): which table an ALTER TABLE targets,
whether it is existing (assumed large and live), and the facts about columns, constraints and
defaults those rules need.

The registry skips this module (its name starts with ``_``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pgarch_lint.api import (
    Context,
    Origin,
    ast,
    deparse,
    enums,
    is_binary_coercible,
    normalize_type,
    per_statement,
    util,
)

__all__ = [
    "AT",
    "CT",
    "AddedColumn",
    "add_label",
    "added_column",
    "existing_alter_target",
    "is_binary_coercible",
    "is_existing_relation",
    "normalize_type",
    "q",
    "short",
    "table_label",
]

AT = enums.AlterTableType
CT = enums.ConstrType

_SERIAL_TYPES = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}
_SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def q(name: str) -> str:
    """An identifier for a message: always double-quoted, as PostgreSQL's errors print it."""
    return '"' + name.replace('"', '""') + '"'


def short(qualified: str) -> str:
    """A catalog qualified name for a message: ``public.`` is left out."""
    return qualified[7:] if qualified.startswith("public.") else qualified


def table_label(rv: Any) -> str:
    """``"schema.table"`` / ``"table"`` as written in the statement, quoted for a message."""
    return q(util.rv_name(rv))


def add_label(con: Any, kind: str) -> str:
    """``ADD CONSTRAINT "name" KIND`` or, for an unnamed constraint, ``ADD KIND``."""
    name = getattr(con, "conname", None)
    return f"ADD CONSTRAINT {q(name)} {kind}" if name else f"ADD {kind}"


def is_existing_relation(rv: Any, ctx: Context) -> bool:
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


def origin_is_current_file(ctx: Context, obj: Any) -> bool:
    return obj is not None and ctx.catalog.origin_of(obj) is Origin.CURRENT_FILE


# --- ADD COLUMN -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddedColumn:
    """What an ``ADD COLUMN`` column definition says, with attribute markers resolved."""

    coldef: ast.ColumnDef
    name: str
    type: str  # normalised, e.g. "integer", "varchar(20)", "serial"
    not_null: bool  # NOT NULL or PRIMARY KEY
    default: Any  # the DEFAULT expression node, None when absent (DEFAULT NULL counts as absent)
    identity: bool
    generated: str | None  # "stored" | "virtual" | None
    serial: bool
    constraints: tuple[tuple[ast.Constraint, bool], ...]  # (constraint, enforced)

    def has(self, contype: Any) -> Iterator[ast.Constraint]:
        for c, enforced in self.constraints:
            if c.contype == contype and enforced:
                yield c


def _is_null_const(expr: Any) -> bool:
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    return isinstance(expr, ast.A_Const) and bool(expr.isnull)


def added_column(cmd: ast.AlterTableCmd) -> AddedColumn | None:
    """The column an ``AT_AddColumn`` command adds."""
    cd = cmd.def_
    if cmd.subtype != AT.AT_AddColumn or not isinstance(cd, ast.ColumnDef):
        return None
    tname = normalize_type(cd.typeName)
    names = util.names_of(cd.typeName) if cd.typeName is not None else []
    serial = len(names) == 1 and names[0].lower() in _SERIAL_TYPES
    not_null = bool(cd.is_not_null)
    default: Any = cd.raw_default
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
    if default is not None and _is_null_const(default):
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


def column_already_exists(cmd: ast.AlterTableCmd, rv: Any, name: str, ctx: Context) -> bool:
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


def volatile_call(expr: Any, ctx: Context) -> str | None:
    """The first VOLATILE function ``expr`` calls, as ``name()`` (see
    :meth:`Catalog.volatile_call`); None when the expression is not volatile."""
    fname = ctx.catalog.volatile_call(expr)
    return f"{fname}()" if fname is not None else None


def expr_text(expr: Any, limit: int = 60) -> str:
    text = deparse(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def base_type(t: str) -> str:
    """``serial`` → ``integer`` etc.: the type a serial column really has."""
    return _SERIAL_BASE.get(t, t)
