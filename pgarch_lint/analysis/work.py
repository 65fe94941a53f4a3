"""What a statement does to a table's data: rewrite it, read it, build an index, or only
change the catalog.

The lock a statement takes says *who waits*; the work it does says *for how long*. A lock on a
table that is only a catalog change lasts milliseconds; the same lock held while every row is
copied lasts as long as the copy. :func:`work_of` answers, for one statement and the catalog as
it was before it, with one :class:`Work` per table touched:

==============  ===============================================================================
kind            PostgreSQL...
==============  ===============================================================================
``rewrite``     writes a new copy of every row (and rebuilds every index): ``ALTER COLUMN ...
                TYPE`` that is not binary coercible, ``ADD COLUMN`` with a volatile default, an
                identity or a stored generated expression, ``SET LOGGED/UNLOGGED``, ``SET
                TABLESPACE``, ``SET ACCESS METHOD``, ``CLUSTER``, ``VACUUM FULL``, ``REFRESH
                MATERIALIZED VIEW``
``scan``        reads every row without writing them: ``SET NOT NULL`` (unless a validated
                ``CHECK (col IS NOT NULL)`` proves it, PostgreSQL 12+), ``ADD CONSTRAINT ...
                CHECK`` or ``FOREIGN KEY`` without ``NOT VALID`` (a foreign key also probes the
                referenced table), ``VALIDATE CONSTRAINT``, ``ATTACH PARTITION`` (the partition,
                to check its bound); data statements (``UPDATE``, ``DELETE``, ``INSERT ...
                SELECT``) read the rows they change
``index``       builds an index: ``CREATE INDEX`` (twice over with ``CONCURRENTLY``), ``ADD
                PRIMARY KEY`` / ``UNIQUE`` / ``EXCLUDE``, ``REINDEX``
``catalog``     changes only the catalog (nothing proportional to the table's size)
==============  ===============================================================================

A statement on a table created earlier in the same file or migration unit is reported too (the
table is empty: the work is nothing), with ``new`` set. Statements that touch no table
(``CREATE FUNCTION``, ``GRANT``...) have no work. Known gaps: a domain type with constraints
added as a column, and ``ALTER COLUMN ... TYPE`` of a column that an index or a foreign key
uses (PostgreSQL rebuilds those, which the plan does not list apart).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint.astutil import option_on
from pgarch_lint.catalog import is_binary_coercible, normalize_type
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.catalog import CatalogView, Table

__all__ = ["Work", "work_of"]

AT = enums.AlterTableType
CT = enums.ConstrType


@dataclass(frozen=True, slots=True)
class Work:
    """What a statement does to one table's rows."""

    kind: str  # rewrite | scan | index | catalog
    table: str  # the table as written (schema.name or name)
    detail: str  # what causes it, in words ("SET NOT NULL on \"status\"")
    new: bool = False  # the table was created earlier in this file: it is empty
    concurrent: bool = False  # CREATE INDEX CONCURRENTLY: does not block writes


_RANK = {"catalog": 0, "scan": 1, "index": 2, "rewrite": 3}


def _name(rv: ast.RangeVar) -> str:
    return f"{rv.schemaname}.{rv.relname}" if rv.schemaname else str(rv.relname)


def work_of(node: ast.Node, cat: CatalogView, pg_version: int = 17) -> list[Work]:
    """The work ``node`` does on each table it touches (see the module docstring)."""
    return list(_work(node, cat, pg_version))


def _work(node: ast.Node, cat: CatalogView, pg_version: int) -> Iterator[Work]:
    if isinstance(node, ast.AlterTableStmt) and isinstance(node.relation, ast.RangeVar):
        if node.objtype == enums.ObjectType.OBJECT_TABLE:
            yield from _alter_table(node, node.relation, cat, pg_version)
        return
    if isinstance(node, ast.IndexStmt) and isinstance(node.relation, ast.RangeVar):
        how = "CREATE INDEX CONCURRENTLY" if node.concurrent else "CREATE INDEX"
        yield _on(
            cat,
            node.relation,
            "index",
            f"{how} {node.idxname or ''}".strip(),
            bool(node.concurrent),
        )
        return
    if isinstance(node, ast.ClusterStmt) and isinstance(node.relation, ast.RangeVar):
        yield _on(cat, node.relation, "rewrite", "CLUSTER")
        return
    if isinstance(node, ast.VacuumStmt):
        full = any(isinstance(o, ast.DefElem) and o.defname == "full" for o in node.options or ())
        for vr in node.rels or ():
            if isinstance(vr, ast.VacuumRelation) and isinstance(vr.relation, ast.RangeVar):
                kind, what = ("rewrite", "VACUUM FULL") if full else ("scan", "VACUUM / ANALYZE")
                yield _on(cat, vr.relation, kind, what)
        return
    if isinstance(node, ast.RefreshMatViewStmt) and isinstance(node.relation, ast.RangeVar):
        yield _on(cat, node.relation, "rewrite", "REFRESH MATERIALIZED VIEW (runs its query)")
        return
    if isinstance(node, ast.ReindexStmt) and isinstance(node.relation, ast.RangeVar):
        if node.kind == enums.ReindexObjectType.REINDEX_OBJECT_TABLE:
            conc = bool(option_on(node.params, "concurrently"))
            yield _on(cat, node.relation, "index", "REINDEX TABLE", conc)
        return
    if isinstance(node, (ast.UpdateStmt, ast.DeleteStmt)) and isinstance(
        node.relation, ast.RangeVar
    ):
        verb = "UPDATE" if isinstance(node, ast.UpdateStmt) else "DELETE"
        where = "" if node.whereClause is not None else " of every row"
        yield _on(cat, node.relation, "scan", f"{verb}{where}")
        return
    if isinstance(node, ast.InsertStmt) and isinstance(node.selectStmt, ast.SelectStmt):
        sel = node.selectStmt
        for f in sel.fromClause or ():
            if isinstance(f, ast.RangeVar):
                yield _on(cat, f, "scan", "INSERT ... SELECT reads it")


def _on(
    cat: CatalogView, rv: ast.RangeVar, kind: str, detail: str, concurrent: bool = False
) -> Work:
    return Work(kind, _name(rv), detail, cat.is_new(rv), concurrent)


def _alter_table(
    node: ast.AlterTableStmt, rv: ast.RangeVar, cat: CatalogView, pg_version: int
) -> Iterator[Work]:
    t = cat.table(rv)
    best: Work | None = None
    extra: list[Work] = []
    for cmd in node.cmds or ():
        if not isinstance(cmd, ast.AlterTableCmd):
            continue
        for w in _subcommand(cmd, rv, t, cat, pg_version):
            if w.table != _name(rv):
                extra.append(w)
            elif best is None or _RANK[w.kind] > _RANK[best.kind]:
                best = w
            elif _RANK[w.kind] == _RANK[best.kind] and w.kind != "catalog":
                best = Work(best.kind, best.table, f"{best.detail}; {w.detail}", best.new)
    yield best if best is not None else _on(cat, rv, "catalog", "ALTER TABLE")
    yield from extra


def _subcommand(
    cmd: ast.AlterTableCmd, rv: ast.RangeVar, t: Table | None, cat: CatalogView, pg_version: int
) -> Iterator[Work]:
    st = cmd.subtype
    col = f'"{cmd.name}"' if cmd.name else ""
    if st == AT.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
        yield _add_column(cmd.def_, rv, cat)
    elif st == AT.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
        old = t.columns.get(cmd.name or "") if t is not None else None
        new_type = normalize_type(cmd.def_.typeName)
        using = cmd.def_.raw_default is not None
        if old is not None and not using and is_binary_coercible(old.type, new_type):
            yield _on(cat, rv, "catalog", f"{col} {old.type} -> {new_type} (binary coercible)")
        else:
            was = f"{old.type} -> " if old is not None else ""
            yield _on(cat, rv, "rewrite", f"ALTER COLUMN {col} TYPE {was}{new_type}")
    elif st == AT.AT_SetNotNull:
        proven = pg_version >= 12 and cat.has_validated_not_null_check(t, cmd.name or "")
        if proven:
            yield _on(cat, rv, "catalog", f"SET NOT NULL on {col} (a validated CHECK proves it)")
        else:
            yield _on(cat, rv, "scan", f"SET NOT NULL on {col}")
    elif st == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
        yield from _add_constraint(cmd.def_, rv, cat)
    elif st == AT.AT_ValidateConstraint:
        yield _on(cat, rv, "scan", f'VALIDATE CONSTRAINT "{cmd.name}"')
    elif st in (AT.AT_SetLogged, AT.AT_SetUnLogged, AT.AT_SetTableSpace, AT.AT_SetAccessMethod):
        yield _on(cat, rv, "rewrite", str(getattr(st, "name", st)).removeprefix("AT_"))
    elif st == AT.AT_SetExpression:
        yield _on(cat, rv, "rewrite", f"SET EXPRESSION of {col}")
    elif st == AT.AT_AttachPartition and isinstance(cmd.def_, ast.PartitionCmd):
        part = cmd.def_.name
        if isinstance(part, ast.RangeVar):
            yield _on(cat, part, "scan", "ATTACH PARTITION checks every row against the bound")
    else:
        yield _on(cat, rv, "catalog", "ALTER TABLE")


def _add_column(cd: ast.ColumnDef, rv: ast.RangeVar, cat: CatalogView) -> Work:
    col = f'"{cd.colname}"'
    tname = normalize_type(cd.typeName)
    if tname in ("serial", "bigserial", "smallserial"):
        return _on(cat, rv, "rewrite", f"ADD COLUMN {col} {tname} (each row gets a sequence value)")
    default = cd.raw_default
    for con in cd.constraints or ():
        if not isinstance(con, ast.Constraint):
            continue
        if con.contype == CT.CONSTR_DEFAULT:
            default = con.raw_expr
        elif con.contype == CT.CONSTR_IDENTITY:
            return _on(cat, rv, "rewrite", f"ADD COLUMN {col} GENERATED AS IDENTITY")
        elif con.contype == CT.CONSTR_GENERATED and con.generated_kind != "v":
            return _on(cat, rv, "rewrite", f"ADD COLUMN {col} GENERATED ALWAYS AS (...) STORED")
        elif con.contype in (CT.CONSTR_PRIMARY, CT.CONSTR_UNIQUE):
            return _on(cat, rv, "rewrite", f"ADD COLUMN {col} with a key (an index is built)")
    volatile = cat.volatile_call(default) if default is not None else None
    if volatile is not None:
        return _on(cat, rv, "rewrite", f"ADD COLUMN {col} with volatile default {volatile}()")
    for con in cd.constraints or ():
        if isinstance(con, ast.Constraint) and con.contype == CT.CONSTR_CHECK:
            return _on(cat, rv, "scan", f"ADD COLUMN {col} with a CHECK constraint")
    return _on(cat, rv, "catalog", f"ADD COLUMN {col}")


def _add_constraint(con: ast.Constraint, rv: ast.RangeVar, cat: CatalogView) -> Iterator[Work]:
    name = f'"{con.conname}"' if con.conname else ""
    ct = con.contype
    if ct in (CT.CONSTR_PRIMARY, CT.CONSTR_UNIQUE, CT.CONSTR_EXCLUSION):
        word = {CT.CONSTR_PRIMARY: "PRIMARY KEY", CT.CONSTR_UNIQUE: "UNIQUE"}.get(ct, "EXCLUDE")
        if con.indexname:
            yield _on(cat, rv, "catalog", f"ADD {word} {name} USING INDEX".replace("  ", " "))
        else:
            yield _on(cat, rv, "index", f"ADD {word} {name} builds its index".replace("  ", " "))
    elif ct in (CT.CONSTR_CHECK, CT.CONSTR_FOREIGN, CT.CONSTR_NOTNULL):
        word = {CT.CONSTR_CHECK: "CHECK", CT.CONSTR_FOREIGN: "FOREIGN KEY"}.get(ct, "NOT NULL")
        if con.skip_validation:
            yield _on(cat, rv, "catalog", f"ADD {word} {name} NOT VALID".replace("  ", " "))
            return
        yield _on(cat, rv, "scan", f"ADD {word} {name} checks every row".replace("  ", " "))
        if ct == CT.CONSTR_FOREIGN and isinstance(con.pktable, ast.RangeVar):
            yield _on(
                cat,
                con.pktable,
                "scan",
                f"ADD FOREIGN KEY {name} looks up every row here".replace("  ", " "),
            )
    else:
        yield _on(cat, rv, "catalog", "ALTER TABLE ADD CONSTRAINT")
