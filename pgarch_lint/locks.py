"""Which table-level lock a statement takes, and on what.

PostgreSQL's lock levels (docs: "Explicit Locking", table 13.2) for the statements migrations
run. The engine computes this once per statement; rules read it from ``ctx.statement.locks``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pgarch_lint.catalog import Catalog
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

    table: str  # qualified name as written (schema.name or name)
    mode: LockMode
    existing: bool  # the table is not new in this file
    rel: ast.RangeVar | None = None


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


def _alter_table_mode(cmds: tuple[ast.AlterTableCmd, ...]) -> LockMode:
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE
    for c in cmds:
        if not isinstance(c, ast.AlterTableCmd):
            continue
        if c.subtype in _SHARE_UPDATE_EXCLUSIVE_CMDS:
            m = LockMode.SHARE_UPDATE_EXCLUSIVE
        elif c.subtype in _SHARE_ROW_EXCLUSIVE_CMDS or (c.subtype == _AT.AT_AddConstraint and isinstance(c.def_, ast.Constraint) and (
            c.def_.contype == enums.ConstrType.CONSTR_FOREIGN
        )):
            m = LockMode.SHARE_ROW_EXCLUSIVE
        elif (c.subtype == _AT.AT_DetachPartition and isinstance(c.def_, ast.PartitionCmd) and (
            c.def_.concurrent
        )) or c.subtype == _AT.AT_AttachPartition:
            m = LockMode.SHARE_UPDATE_EXCLUSIVE
        else:
            m = LockMode.ACCESS_EXCLUSIVE
        mode = max(mode, m)
    return mode


def _fk_targets(elts: Any) -> list[ast.RangeVar]:
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


def locks_of(node: Any, cat: Catalog) -> list[LockTaken]:
    """The table-level locks that ``node`` takes (empty when it takes none worth noting)."""
    OT = enums.ObjectType
    if isinstance(node, ast.AlterTableStmt):
        if node.objtype not in (OT.OBJECT_TABLE, OT.OBJECT_MATVIEW, OT.OBJECT_FOREIGN_TABLE):
            if node.objtype == OT.OBJECT_INDEX:
                return _take(cat, node.relation, LockMode.ACCESS_EXCLUSIVE)
            return []
        out = _take(cat, node.relation, _alter_table_mode(node.cmds or ()))
        for c in node.cmds or ():
            if isinstance(c, ast.AlterTableCmd) and c.subtype in (_AT.AT_AddConstraint, _AT.AT_AddColumn):
                d = c.def_
                targets = _fk_targets((d,)) if d is not None else []
                for rv in targets:
                    out += _take(cat, rv, LockMode.SHARE_ROW_EXCLUSIVE)
        return out
    if isinstance(node, ast.IndexStmt):
        mode = LockMode.SHARE_UPDATE_EXCLUSIVE if node.concurrent else LockMode.SHARE
        return _take(cat, node.relation, mode)
    if isinstance(node, ast.CreateStmt):
        return [
            lt
            for rv in _fk_targets(node.tableElts)
            for lt in _take(cat, rv, LockMode.SHARE_ROW_EXCLUSIVE)
        ]
    if isinstance(node, ast.DropStmt):
        if node.removeType in (OT.OBJECT_TABLE, OT.OBJECT_MATVIEW) or (
            node.removeType == OT.OBJECT_INDEX and not node.concurrent
        ):
            out = []
            for obj in node.objects or ():
                names = [s.sval for s in obj if isinstance(s, ast.String) and s.sval] if isinstance(obj, tuple) else []
                if not names:
                    continue
                rv = ast.RangeVar(relname=names[-1], schemaname=names[-2] if len(names) > 1 else None, inh=True)
                if node.removeType == OT.OBJECT_INDEX:
                    out.append(LockTaken(".".join(names), LockMode.ACCESS_EXCLUSIVE, True, None))
                else:
                    out += _take(cat, rv, LockMode.ACCESS_EXCLUSIVE)
            return out
        return []
    if isinstance(node, ast.RenameStmt):
        if node.relation is not None and node.renameType in (
            OT.OBJECT_TABLE, OT.OBJECT_COLUMN, OT.OBJECT_TABCONSTRAINT, OT.OBJECT_VIEW,
            OT.OBJECT_MATVIEW, OT.OBJECT_INDEX,
        ):
            return _take(cat, node.relation, LockMode.ACCESS_EXCLUSIVE)
        return []
    if isinstance(node, ast.TruncateStmt):
        return [lt for rv in node.relations or () for lt in _take(cat, rv, LockMode.ACCESS_EXCLUSIVE)]
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
        conc = any(isinstance(o, ast.DefElem) and o.defname == "concurrently" for o in node.params or ())
        if conc or node.relation is None:
            return []
        # REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index
        # (queries that would use it wait); REINDEX INDEX names the index itself.
        if node.kind == enums.ReindexObjectType.REINDEX_OBJECT_INDEX:
            return [LockTaken(_name(node.relation), LockMode.ACCESS_EXCLUSIVE, True, None)]
        return _take(cat, node.relation, LockMode.SHARE)
    if isinstance(node, ast.LockStmt):
        m = node.mode or 8
        mode = LockMode(m) if 1 <= m <= 8 else LockMode.ACCESS_EXCLUSIVE
        return [lt for rv in node.relations or () for lt in _take(cat, rv, mode)]
    return []
