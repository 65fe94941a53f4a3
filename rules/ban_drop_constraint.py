from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import (
    definition_known,
    relation_in_use,
    runs_later,
    type_is_new,
)
from pgarch_lint.analysis.definitions import constraint_columns
from pgarch_lint.analysis.migration import origin_is_current_file
from pgarch_lint.api import (
    Category,
    Constraint,
    Context,
    Origin,
    Severity,
    Table,
    Violation,
    ast,
    deparse,
    enums,
    rule,
    util,
)

from ._report import q, quoted_list, short_name

_AT = enums.AlterTableType
_CT = enums.ConstrType
_OT = enums.ObjectType
_KINDS = {
    _CT.CONSTR_PRIMARY: "primary key",
    _CT.CONSTR_UNIQUE: "unique",
    _CT.CONSTR_FOREIGN: "foreign key",
    _CT.CONSTR_CHECK: "check",
}
_FK_ACTIONS = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


def _fk_actions(con: ast.Constraint) -> tuple[str | None, str | None]:
    return _FK_ACTIONS.get(con.fk_del_action or "a"), _FK_ACTIONS.get(con.fk_upd_action or "a")


def _replaced(old: Constraint, cmds: list[ast.AlterTableCmd], ctx: Context) -> bool:
    """A later ADD CONSTRAINT of the same statement keeps the dropped guarantee: same kind and
    columns (a foreign key: same referenced table, columns and actions; a check: the same
    expression)."""
    for cmd in cmds:
        con = cmd.def_
        if cmd.subtype != _AT.AT_AddConstraint or not isinstance(con, ast.Constraint):
            continue
        if con.contype is None or _KINDS.get(con.contype) != old.kind:
            continue
        if old.kind == "check":
            if con.raw_expr is not None and deparse(con.raw_expr) == old.expression:
                return True
            continue
        if constraint_columns(con) != old.columns:
            continue
        if old.kind in ("primary key", "unique"):
            return True
        if old.kind == "foreign key" and isinstance(con.pktable, ast.RangeVar):
            ref = ctx.catalog.table(con.pktable)
            same_ref = ref is not None and ref.qualified == old.ref_table
            same_cols = util.names_of(con.pk_attrs) in (old.ref_columns, [])
            if same_ref and same_cols and _fk_actions(con) == (old.on_delete, old.on_update):
                return True
    return False


def _absent(cmd: ast.AlterTableCmd, table: Table | None, ctx: Context) -> bool:
    """``DROP CONSTRAINT IF EXISTS`` of a name the table provably lacks (PostgreSQL 18 names
    NOT NULL constraints ``<table>_<column>_not_null`` without the catalog listing them)."""
    name = cmd.name or ""
    return bool(
        cmd.missing_ok
        and not runs_later(ctx)
        and definition_known(ctx, table)
        and table is not None
        and name not in table.constraints
        and not name.endswith("_not_null")
    )


def _implicit_not_null(name: str, table: Table | None) -> Constraint | None:
    """The NOT NULL constraint PostgreSQL 18 names ``<table>_<column>_not_null`` (the catalog
    records NOT NULL on the column, not as a named constraint)."""
    if table is None or not name.endswith("_not_null"):
        return None
    for col in table.columns.values():
        if col.not_null and name == f"{table.name}_{col.name}_not_null":
            return Constraint(name=name, kind="not null", table=table.qualified, columns=[col.name])
    return None


def _consequence(c: Constraint | None) -> str:
    """What running code loses with the constraint."""
    if c is None:
        return (
            "removes a guarantee (uniqueness, a reference, a check) that running code may rely on"
        )
    cols = quoted_list(c.columns)
    if c.kind in ("primary key", "unique"):
        return (
            f"lets duplicate ({cols}) values in and makes INSERT ... ON CONFLICT ({cols}) "
            "fail in code that still uses it"
        )
    if c.kind == "foreign key":
        ref = q(short_name(c.ref_table or "?"))
        text = f"lets rows reference {ref} rows that do not exist"
        if c.on_delete == "cascade":
            text += f", and deleting a {ref} row no longer deletes the rows referencing it"
        elif c.on_delete in ("set null", "set default"):
            text += f", and deleting a {ref} row no longer resets ({cols}) here"
        return text
    if c.kind == "check":
        return (
            f"lets in values that CHECK ({c.expression}) rejected, which the version you roll "
            "back to may not handle"
        )
    if c.kind == "exclude":
        return "lets rows the exclusion constraint kept apart overlap"
    return f"lets NULLs into ({cols})"


@rule(
    name="ban-drop-constraint",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP CONSTRAINT on an existing table or domain",
    nodes=(ast.AlterTableStmt, ast.AlterDomainStmt),
    default=False,
    bad="""
    ALTER TABLE invoices DROP CONSTRAINT invoices_total_check;
    """,
    good="""
    CREATE TABLE invoice_drafts (id bigint PRIMARY KEY, total numeric CHECK (total >= 0));
    ALTER TABLE invoice_drafts DROP CONSTRAINT invoice_drafts_total_check;
    """,
    fix="""
    Remove a constraint in two releases:
    1. make every application version you may still run or roll back to independent of it
       (no `ON CONFLICT` on its columns, no reliance on its cascades, able to read the values
       it used to reject), and deploy that;
    2. drop it in a later migration, with a suppression comment that records why it is safe.
    To replace a constraint, add the new one in the same `ALTER TABLE` (a foreign key or
    check `NOT VALID`, validated afterwards) so the guarantee never lapses.
    """,
)
def check(node: ast.AlterTableStmt | ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """A constraint is part of the contract between the database and the code that uses it.
    Dropping a PRIMARY KEY or UNIQUE constraint breaks `INSERT ... ON CONFLICT` on its
    columns ("no unique or exclusion constraint matching the ON CONFLICT specification") and
    lets duplicates in where code expects one row; dropping a foreign key stops the cascades
    and SET NULL actions that deletes relied on and lets dangling references in; dropping a
    CHECK lets the new version write values that the version you roll back to was never
    written to read. A rollback of the application does not bring the constraint back, and
    the rows written meanwhile stay. Not reported: tables, domains and constraints created
    earlier in the same file (or migration unit); `DROP CONSTRAINT IF EXISTS` of a constraint
    the catalog proves the table lacks; a constraint that a later `ADD CONSTRAINT` of the same
    statement replaces with the same kind, columns, references and actions (or the same check
    expression). A replacement in a later statement is still reported."""
    if isinstance(node, ast.AlterDomainStmt):
        yield from _domain(node, ctx)
        return
    if node.objtype not in (_OT.OBJECT_TABLE, _OT.OBJECT_FOREIGN_TABLE):
        return
    rel = node.relation
    if not relation_in_use(ctx, rel, node.missing_ok):
        return
    cmds = list(util.alter_cmds(node))
    table = ctx.catalog.table(rel) if isinstance(rel, ast.RangeVar) else None
    relkind = "foreign table" if node.objtype == _OT.OBJECT_FOREIGN_TABLE else "table"
    for i, cmd in enumerate(cmds):
        if cmd.subtype != _AT.AT_DropConstraint:
            continue
        con = table.constraints.get(cmd.name or "") if table is not None else None
        if origin_is_current_file(ctx, con) or _absent(cmd, table, ctx):
            continue
        if con is not None and _replaced(con, cmds[i + 1 :], ctx):
            continue
        con = con or _implicit_not_null(cmd.name or "", table)
        kind = f"{con.kind} constraint" if con is not None else "constraint"
        cascade = ""
        if cmd.behavior == enums.DropBehavior.DROP_CASCADE:
            cascade = " (CASCADE also drops the foreign keys that depend on it)"
        yield Violation(
            f"dropping {kind} {q(cmd.name or '?')} of existing {relkind} {q(util.rv_name(rel))} "
            f"{_consequence(con)}{cascade}; drop it only once no version you may still run "
            "relies on it",
            node=rel,
        )


def _domain(node: ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    if node.subtype != "X":
        return
    names = util.names_of(node.typeName)
    if type_is_new(ctx, names):
        return
    td = ctx.catalog.type(".".join(names))
    con = td.constraints.get(node.name or "") if td is not None else None
    if origin_is_current_file(ctx, con):
        return
    name = node.name or ""
    if (
        node.missing_ok
        and td is not None
        and ctx.catalog.origin_of(td) is not Origin.UNKNOWN
        and con is None
        and not name.endswith("_not_null")
        and not runs_later(ctx)
    ):
        return  # DROP CONSTRAINT IF EXISTS of a constraint the domain provably lacks
    what = f" CHECK ({con.expression})" if con is not None and con.expression else ""
    yield Violation(
        f"dropping constraint {q(node.name or '?')}{what} of existing domain "
        f"{q('.'.join(names))} lets in values it rejected, in every column of that type; drop it "
        "only once no version you may still run relies on it"
    )
