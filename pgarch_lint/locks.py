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

``COMMENT ON`` locks its object SHARE UPDATE EXCLUSIVE (PostgreSQL's ``CommentObject``, through
``get_object_address``): a table, view, materialized view, foreign table, sequence or index
itself, a column's relation; for a constraint, trigger, policy or rule it opens the table with
ACCESS SHARE (and locks only the sub-object SHARE UPDATE EXCLUSIVE). Comments on other objects
(functions, types, schemas...) lock only that object, no relation: they are not listed.
``LOCK ... NOWAIT`` fails at once instead of waiting (:attr:`LockTaken.waits` is False). The
CONCURRENTLY forms (CREATE/DROP INDEX, REINDEX, DETACH PARTITION) also wait for every
transaction that could still use the old state (:attr:`LockTaken.concurrent`). REINDEX SCHEMA,
DATABASE and SYSTEM lock each table in turn: one lock whose :attr:`LockTaken.group` names them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from pgarch_lint.astutil import names_of, option_on
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
    def a_lock(self) -> str:
        """``an ACCESS EXCLUSIVE lock``, ``a SHARE lock``: the mode in a sentence."""
        label = self.label
        return f"{'an' if label[:1] in 'AEIOU' else 'a'} {label} lock"

    @property
    def blocks_writes(self) -> bool:
        return self >= LockMode.SHARE

    @property
    def conflicts(self) -> frozenset[LockMode]:
        """The modes this one conflicts with (PostgreSQL's table of conflicting lock modes)."""
        return _CONFLICTS[self]


def _modes(*levels: int) -> frozenset[LockMode]:
    return frozenset(LockMode(n) for n in levels)


_CONFLICTS: dict[LockMode, frozenset[LockMode]] = {
    LockMode.ACCESS_SHARE: _modes(8),
    LockMode.ROW_SHARE: _modes(7, 8),
    LockMode.ROW_EXCLUSIVE: _modes(5, 6, 7, 8),
    LockMode.SHARE_UPDATE_EXCLUSIVE: _modes(4, 5, 6, 7, 8),
    LockMode.SHARE: _modes(3, 4, 6, 7, 8),
    LockMode.SHARE_ROW_EXCLUSIVE: _modes(3, 4, 5, 6, 7, 8),
    LockMode.EXCLUSIVE: _modes(2, 3, 4, 5, 6, 7, 8),
    LockMode.ACCESS_EXCLUSIVE: _modes(1, 2, 3, 4, 5, 6, 7, 8),
}


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
    # False when the statement fails at once instead of waiting for the lock (LOCK ... NOWAIT)
    waits: bool = True
    # a CONCURRENTLY form: besides the lock it waits for every transaction that could still use
    # the old state, and a lock_timeout or statement_timeout would abort it half done
    concurrent: bool = False
    # for a statement that locks every table of a schema or of the database in turn (REINDEX
    # SCHEMA / DATABASE / SYSTEM): what it locks, e.g. 'every table of schema "billing"'
    group: str | None = None

    def same_table(self, other: LockTaken) -> bool:
        """Both locks are on one table, as far as the names tell (a schema-qualified name
        matches the same name unqualified; an unknown index's table only itself)."""
        if self.group is not None or other.group is not None:
            return self.group == other.group
        if self.table is None or other.table is None:
            return self.table is None and other.table is None and self.index == other.index
        if "." in self.table and "." in other.table:
            return self.table == other.table
        return self.table.rsplit(".", 1)[-1] == other.table.rsplit(".", 1)[-1]

    def held_already(self, held: Iterable[LockTaken]) -> bool:
        """Whether a transaction that holds ``held`` gets this lock without waiting: no other
        session can hold a mode that conflicts with it, because each such mode also conflicts
        with one the transaction holds on the table (holding ACCESS EXCLUSIVE covers any;
        holding SHARE does not cover SHARE UPDATE EXCLUSIVE, which another SHARE blocks)."""
        covered: set[LockMode] = set()
        for h in held:
            if self.same_table(h):
                covered |= h.mode.conflicts
        return bool(covered) and self.mode.conflicts <= covered

    @property
    def label(self) -> str:
        """The locked table without its origin: ``"orders"``, ``the table of index
        "ix_orders__status"``, ``every table of schema "billing"``."""
        if self.group is not None:
            return self.group
        if self.table is None:
            return f'the table of index "{self.index}"'
        return f'"{self.table}"'

    @property
    def subject(self) -> str:
        """The locked table as a message names it: ``existing table "orders"``,
        ``new table "orders"``, ``the table of index "ix_orders__status"`` when only
        the index is known, or the :attr:`group` of tables."""
        if self.group is not None or self.table is None:
            return self.label
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


def _take(
    cat: Catalog, rv: ast.RangeVar | None, mode: LockMode, *, concurrent: bool = False
) -> list[LockTaken]:
    if rv is None or not isinstance(rv, ast.RangeVar):
        return []
    return [LockTaken(_name(rv), mode, not cat.is_new(rv), rv, concurrent=concurrent)]


def _through_index(
    cat: Catalog, parts: list[str], mode: LockMode, *, concurrent: bool = False
) -> LockTaken:
    """The lock a statement naming index ``parts`` takes on the index's table."""
    name = ".".join(parts)
    ix = cat.index(name)
    rel = (cat.table_by_name(ix.table) or cat.view(ix.table)) if ix is not None else None
    if ix is None or rel is None:
        return LockTaken(None, mode, True, None, name, concurrent=concurrent)
    table = f"{rel.schema}.{rel.name}" if len(parts) > 1 else rel.name
    existing = cat.origin_of(rel) is not Origin.CURRENT_FILE
    return LockTaken(table, mode, existing, None, name, concurrent=concurrent)


def _rangevar(parts: list[str]) -> ast.RangeVar:
    return ast.RangeVar(
        relname=parts[-1], schemaname=parts[-2] if len(parts) > 1 else None, inh=True
    )


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
        out = _take(
            cat,
            node.relation,
            _alter_table_mode(node.cmds or ()),
            concurrent=_detach_concurrently(node.cmds or ()),
        )
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
        return _take(cat, node.relation, mode, concurrent=bool(node.concurrent))
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
                out.append(_through_index(cat, names, mode, concurrent=bool(node.concurrent)))
            else:
                out += _take(cat, _rangevar(names), LockMode.ACCESS_EXCLUSIVE)
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
        return _reindex(node, cat)
    if isinstance(node, ast.LockStmt):
        m = node.mode or 8
        mode = LockMode(m) if 1 <= m <= 8 else LockMode.ACCESS_EXCLUSIVE
        out = [lt for rv in node.relations or () for lt in _take(cat, rv, mode)]
        return [replace(lt, waits=False) for lt in out] if node.nowait else out
    if isinstance(node, ast.CommentStmt):
        return _comment(node, cat)
    return []


def _detach_concurrently(cmds: tuple[ast.AlterTableCmd, ...]) -> bool:
    """ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (which takes no other subcommand)."""
    return bool(cmds) and all(
        isinstance(c, ast.AlterTableCmd)
        and c.subtype == _AT.AT_DetachPartition
        and isinstance(c.def_, ast.PartitionCmd)
        and bool(c.def_.concurrent)
        for c in cmds
    )


def _reindex(node: ast.ReindexStmt, cat: Catalog) -> list[LockTaken]:
    """REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index
    (queries that would use it wait); REINDEX INDEX names the index itself. CONCURRENTLY
    (``REINDEX (CONCURRENTLY false)`` is the plain form) takes SHARE UPDATE EXCLUSIVE on
    both. SCHEMA, DATABASE and SYSTEM lock each of their tables in turn, each in its own
    transaction."""
    RK = enums.ReindexObjectType
    conc = bool(option_on(node.params, "concurrently"))
    if node.kind == RK.REINDEX_OBJECT_INDEX:
        if not isinstance(node.relation, ast.RangeVar):
            return []
        mode = LockMode.SHARE_UPDATE_EXCLUSIVE if conc else LockMode.ACCESS_EXCLUSIVE
        return [_through_index(cat, _rv_parts(node.relation), mode, concurrent=conc)]
    mode = LockMode.SHARE_UPDATE_EXCLUSIVE if conc else LockMode.SHARE
    if node.kind == RK.REINDEX_OBJECT_TABLE:
        return _take(cat, node.relation, mode, concurrent=conc)
    if node.kind == RK.REINDEX_OBJECT_SCHEMA:
        schema = cat.schemas.get(node.name or "")
        new = schema is not None and cat.origin_of(schema) is Origin.CURRENT_FILE
        group = f'every table of schema "{node.name}"'
        return [LockTaken(None, mode, not new, concurrent=conc, group=group)]
    group = (
        "every system catalog"
        if node.kind == RK.REINDEX_OBJECT_SYSTEM
        else ("every table of the database")
    )
    return [LockTaken(None, mode, True, concurrent=conc, group=group)]


_OT = enums.ObjectType
# COMMENT ON these locks the named relation itself SHARE UPDATE EXCLUSIVE
_COMMENT_ON_RELATION = {
    _OT.OBJECT_TABLE,
    _OT.OBJECT_VIEW,
    _OT.OBJECT_MATVIEW,
    _OT.OBJECT_FOREIGN_TABLE,
    _OT.OBJECT_SEQUENCE,
}
# COMMENT ON these opens their table ACCESS SHARE (the object itself is locked apart)
_COMMENT_ON_TABLE_OBJECT = {
    _OT.OBJECT_TABCONSTRAINT,
    _OT.OBJECT_TRIGGER,
    _OT.OBJECT_POLICY,
    _OT.OBJECT_RULE,
}


def _comment(node: ast.CommentStmt, cat: Catalog) -> list[LockTaken]:
    """The relation lock of COMMENT ON (see the module docstring)."""
    parts = names_of(node.object)
    if not parts:
        return []
    sue = LockMode.SHARE_UPDATE_EXCLUSIVE
    if node.objtype in _COMMENT_ON_RELATION:
        return _take(cat, _rangevar(parts), sue)
    if node.objtype == _OT.OBJECT_INDEX:
        return [_through_index(cat, parts, sue)]
    if node.objtype == _OT.OBJECT_COLUMN and len(parts) > 1:
        rv = _rangevar(parts[:-1])
        if cat.relation(rv) is None and cat.type(".".join(parts[:-1])) is not None:
            return []  # an attribute of a composite type: no table to wait for
        return _take(cat, rv, sue)
    if node.objtype in _COMMENT_ON_TABLE_OBJECT and len(parts) > 1:
        return _take(cat, _rangevar(parts[:-1]), LockMode.ACCESS_SHARE)
    return []
