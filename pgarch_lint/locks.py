"""Which table-level lock a statement takes, and on what.

PostgreSQL's lock levels (docs: "Explicit Locking", table 13.2) for the statements migrations
run. The engine computes this once per statement; rules read it from ``ctx.statement.locks``.
This module is the one place that knows them: rules, ``verify`` and ``plan`` read it.

A statement that names an index (DROP INDEX, REINDEX INDEX, ALTER INDEX) is reported as a
lock on the index's table: DROP INDEX locks the table itself, and a lock on an index blocks
every query that would open it, which planning a query on the table does. The lock names that
table when the catalog knows the index, else only the index (:attr:`LockTaken.table` is
None). ``DROP ... IF EXISTS`` of a relation that the catalog proves absent
(:meth:`Catalog.relation_absent`) does nothing and takes no lock; without IF EXISTS the
statement claims the relation exists (or fails), and its lock is kept.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pgarch_lint.catalog import Catalog, Origin
from pgarch_lint.sql import ast, enums


class LockMode(enum.IntEnum):
    ACCESS_SHARE = 1
    ROW_SHARE = 2
    ROW_EXCLUSIVE = 3
    SHARE_UPDATE_EXCLUSIVE = 4
    SHARE = 5
    SHARE_ROW_EXCLUSIVE = 6
    EXCLUSIVE = 7
    ACCESS_EXCLUSIVE = 8

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def blocks_writes(self) -> bool:
        return self >= LockMode.SHARE


@dataclass(frozen=True, slots=True)
class LockTaken:
    """A lock a statement takes on a table."""

    # qualified name as written (schema.name or name); for a lock taken through an index,
    # the index's table (qualified when the index name was), None when the catalog does not
    # know the index
    table: str | None
    mode: LockMode
    existing: bool  # the table is not new in this file (unknown: assumed existing)
    rel: ast.RangeVar | None = None
    index: str | None = None  # the index the statement names, when it locks through one

    @property
    def subject(self) -> str:
        """The locked table as a message names it: ``existing table "orders"``,
        ``new table "orders"``, or ``the table of index "ix_orders__status"`` when only
        the index is known."""
        if self.table is None:
            return f'the table of index "{self.index}"'
        return f'{"existing" if self.existing else "new"} table "{self.table}"'


_AT = enums.AlterTableType
_SHARE_UPDATE_EXCLUSIVE_CMDS = {
    _AT.AT_ValidateConstraint,
    _AT.AT_SetStatistics,
    _AT.AT_ClusterOn,
    _AT.AT_DropCluster,
    _AT.AT_SetRelOptions,
    _AT.AT_ResetRelOptions,
    _AT.AT_DetachPartitionFinalize,
}
_SHARE_ROW_EXCLUSIVE_CMDS = {
    _AT.AT_EnableTrig,
    _AT.AT_DisableTrig,
    _AT.AT_EnableAlwaysTrig,
    _AT.AT_EnableReplicaTrig,
    _AT.AT_EnableTrigAll,
    _AT.AT_DisableTrigAll,
    _AT.AT_EnableTrigUser,
    _AT.AT_DisableTrigUser,
}


def _name(rv: ast.RangeVar) -> str:
    return f"{rv.schemaname}.{rv.relname}" if rv.schemaname else str(rv.relname)


def _take(cat: Catalog, rv: ast.RangeVar | None, mode: LockMode) -> list[LockTaken]:
    if rv is None or not isinstance(rv, ast.RangeVar):
        return []
    return [LockTaken(_name(rv), mode, not cat.is_new(rv), rv)]


def _through_index(cat: Catalog, parts: list[str], mode: LockMode) -> LockTaken:
    """The lock a statement naming index ``parts`` takes on the index's table."""
    name = ".".join(parts)
    ix = cat.index(name)
    rel = (cat.table_by_name(ix.table) or cat.view(ix.table)) if ix is not None else None
    if ix is None or rel is None:
        return LockTaken(None, mode, True, None, name)
    table = f"{rel.schema}.{rel.name}" if len(parts) > 1 else rel.name
    return LockTaken(table, mode, cat.origin_of(rel) is not Origin.CURRENT_FILE, None, name)


def _rv_parts(rv: ast.RangeVar) -> list[str]:
    return [rv.schemaname, str(rv.relname)] if rv.schemaname else [str(rv.relname)]


def _alter_table_mode(cmds: tuple[ast.AlterTableCmd, ...]) -> LockMode:
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE
    for c in cmds:
        if not isinstance(c, ast.AlterTableCmd):
            continue
        if c.subtype in _SHARE_UPDATE_EXCLUSIVE_CMDS:
            m = LockMode.SHARE_UPDATE_EXCLUSIVE
        elif c.subtype in _SHARE_ROW_EXCLUSIVE_CMDS or (
            c.subtype == _AT.AT_AddConstraint
            and isinstance(c.def_, ast.Constraint)
            and (c.def_.contype == enums.ConstrType.CONSTR_FOREIGN)
        ):
            m = LockMode.SHARE_ROW_EXCLUSIVE
        elif (
            c.subtype == _AT.AT_DetachPartition
            and isinstance(c.def_, ast.PartitionCmd)
            and (c.def_.concurrent)
        ) or c.subtype == _AT.AT_AttachPartition:
            m = LockMode.SHARE_UPDATE_EXCLUSIVE
        else:
            m = LockMode.ACCESS_EXCLUSIVE
        mode = max(mode, m)
    return mode


def _fk_targets(elts: Iterable[Any] | None) -> list[ast.RangeVar]:
    out: list[ast.RangeVar] = []
    for e in elts or ():
        cons: tuple[ast.Node, ...] = ()
        if isinstance(e, ast.ColumnDef):
            cons = e.constraints or ()
        elif isinstance(e, ast.Constraint):
            cons = (e,)
        for c in cons:
            if (
                isinstance(c, ast.Constraint)
                and c.contype == enums.ConstrType.CONSTR_FOREIGN
                and isinstance(c.pktable, ast.RangeVar)
            ):
                out.append(c.pktable)
    return out


def locks_of(node: ast.Node, cat: Catalog, pg_version: int = 17) -> list[LockTaken]:
    """The table-level locks that ``node`` takes on PostgreSQL ``pg_version`` (empty when it
    takes none worth noting)."""
    OT = enums.ObjectType
    if isinstance(node, ast.AlterTableStmt):
        if node.objtype not in (OT.OBJECT_TABLE, OT.OBJECT_MATVIEW, OT.OBJECT_FOREIGN_TABLE):
            if node.objtype == OT.OBJECT_INDEX and isinstance(node.relation, ast.RangeVar):
                return [_through_index(cat, _rv_parts(node.relation), LockMode.ACCESS_EXCLUSIVE)]
            return []
        out = _take(cat, node.relation, _alter_table_mode(node.cmds or ()))
        for c in node.cmds or ():
            if isinstance(c, ast.AlterTableCmd) and c.subtype in (
                _AT.AT_AddConstraint,
                _AT.AT_AddColumn,
            ):
                d = c.def_
                targets = _fk_targets((d,)) if d is not None else []
                for rv in targets:
                    out += _take(cat, rv, LockMode.SHARE_ROW_EXCLUSIVE)
        return out
    if isinstance(node, ast.IndexStmt):
        mode = LockMode.SHARE_UPDATE_EXCLUSIVE if node.concurrent else LockMode.SHARE
        return _take(cat, node.relation, mode)
    if isinstance(node, ast.CreateStmt):
        # a foreign key to the table being created (a self-reference) locks nothing else
        own = (
            cat.resolve(node.relation.schemaname or None, node.relation.relname or "")
            if (node.relation is not None)
            else None
        )
        return [
            lt
            for rv in _fk_targets(node.tableElts)
            if cat.resolve(rv.schemaname or None, rv.relname or "") != own
            for lt in _take(cat, rv, LockMode.SHARE_ROW_EXCLUSIVE)
        ]
    if isinstance(node, ast.DropStmt):
        if node.removeType not in (OT.OBJECT_TABLE, OT.OBJECT_MATVIEW, OT.OBJECT_INDEX):
            return []
        out = []
        for obj in node.objects or ():
            names = (
                [s.sval for s in obj if isinstance(s, ast.String) and s.sval]
                if isinstance(obj, tuple)
                else []
            )
            if not names or (node.missing_ok and cat.relation_absent(".".join(names))):
                continue  # nothing to drop: IF EXISTS makes the statement a no-op
            if node.removeType == OT.OBJECT_INDEX:
                # DROP INDEX locks the table ACCESS EXCLUSIVE; CONCURRENTLY takes SHARE UPDATE
                # EXCLUSIVE and waits for the transactions that use the index instead
                mode = (
                    LockMode.SHARE_UPDATE_EXCLUSIVE
                    if node.concurrent
                    else LockMode.ACCESS_EXCLUSIVE
                )
                out.append(_through_index(cat, names, mode))
            else:
                rv = ast.RangeVar(
                    relname=names[-1], schemaname=names[-2] if len(names) > 1 else None, inh=True
                )
                out += _take(cat, rv, LockMode.ACCESS_EXCLUSIVE)
        return out
    if isinstance(node, ast.RenameStmt):
        if node.renameType == OT.OBJECT_INDEX and isinstance(node.relation, ast.RangeVar):
            # ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12
            mode = (
                LockMode.SHARE_UPDATE_EXCLUSIVE if pg_version >= 12 else LockMode.ACCESS_EXCLUSIVE
            )
            return [_through_index(cat, _rv_parts(node.relation), mode)]
        if node.relation is not None and node.renameType in (
            OT.OBJECT_TABLE,
            OT.OBJECT_COLUMN,
            OT.OBJECT_TABCONSTRAINT,
            OT.OBJECT_VIEW,
            OT.OBJECT_MATVIEW,
        ):
            return _take(cat, node.relation, LockMode.ACCESS_EXCLUSIVE)
        return []
    if isinstance(node, ast.TruncateStmt):
        return [
            lt for rv in node.relations or () for lt in _take(cat, rv, LockMode.ACCESS_EXCLUSIVE)
        ]
    if isinstance(node, ast.CreateTrigStmt):
        return _take(cat, node.relation, LockMode.SHARE_ROW_EXCLUSIVE)
    if isinstance(node, (ast.CreatePolicyStmt, ast.AlterPolicyStmt)):
        return _take(cat, node.table, LockMode.ACCESS_EXCLUSIVE)
    if isinstance(node, ast.ClusterStmt):
        return _take(cat, node.relation, LockMode.ACCESS_EXCLUSIVE)
    if isinstance(node, ast.VacuumStmt):
        full = any(isinstance(o, ast.DefElem) and o.defname == "full" for o in node.options or ())
        if not full:
            return []
        return [
            lt
            for vr in node.rels or ()
            if isinstance(vr, ast.VacuumRelation)
            for lt in _take(cat, vr.relation, LockMode.ACCESS_EXCLUSIVE)
        ]
    if isinstance(node, ast.RefreshMatViewStmt):
        mode = LockMode.EXCLUSIVE if node.concurrent else LockMode.ACCESS_EXCLUSIVE
        return _take(cat, node.relation, mode)
    if isinstance(node, ast.ReindexStmt):
        conc = any(
            isinstance(o, ast.DefElem) and o.defname == "concurrently" for o in node.params or ()
        )
        if conc or node.relation is None:
            return []
        # REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index
        # (queries that would use it wait); REINDEX INDEX names the index itself.
        if node.kind == enums.ReindexObjectType.REINDEX_OBJECT_INDEX:
            return [_through_index(cat, _rv_parts(node.relation), LockMode.ACCESS_EXCLUSIVE)]
        return _take(cat, node.relation, LockMode.SHARE)
    if isinstance(node, ast.LockStmt):
        m = node.mode or 8
        mode = LockMode(m) if 1 <= m <= 8 else LockMode.ACCESS_EXCLUSIVE
        return [lt for rv in node.relations or () for lt in _take(cat, rv, mode)]
    return []
