"""What the replay models of each statement, and what it leaves out.

The replay (:mod:`pgarch_lint.catalog.replay`) follows the statements that shape the objects the
catalog holds. Everything else a migration history says still happened: a trigger was created,
a table got ``fillfactor = 70``, rows were inserted. :func:`coverage` says, for one statement,
which of these it is, so that a reader of the catalog (the ``schema --format sql`` writer) can
keep what the catalog cannot hold instead of losing it silently:

=============  ============================================================================
kind           the statement...
=============  ============================================================================
``MODELLED``   changes only what the catalog holds (``CREATE TABLE``, ``COMMENT ON TABLE``)
``PARTIAL``    changes objects the catalog holds, and something it does not: ``missing`` names
               the clauses it does not record (``storage parameters``); for ``ALTER TABLE``,
               ``subcommands`` lists the positions of the sub-commands the replay ignores
               when it models the others
``SCHEMA``     changes objects the catalog does not model: triggers, rules, statistics,
               publications, operators, foreign tables, ``ALTER TABLE ... ENABLE TRIGGER``...
``CLUSTER``    changes what lives outside the database's schema: role settings, databases,
               tablespaces, server settings, subscriptions, ``DROP OWNED``
``DATA``       reads or writes rows or runs code: ``INSERT``, ``COPY``, ``DO``, ``CALL``...
``SESSION``    transaction control, session settings, locks and maintenance (``VACUUM``,
               ``REINDEX``, ``REFRESH MATERIALIZED VIEW``): no lasting change to the schema
=============  ============================================================================

The sets of modelled object types and sub-commands come from the replay modules themselves
(``TABLE_SUBCOMMANDS``, ``COMMENTED_OBJECTS``...), so a handler that learns a new form is
reflected here. What the replay records only partly (options of an object it holds) is
listed by :func:`coverage` clause by clause; a clause not listed is modelled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pgarch_lint.catalog.nodes import enum_name, value_text
from pgarch_lint.catalog.replay import HANDLERS
from pgarch_lint.catalog.replay.alter_table import (
    INDEX_SUBCOMMANDS,
    SEQUENCE_SUBCOMMANDS,
    TABLE_SUBCOMMANDS,
    VIEW_SUBCOMMANDS,
)
from pgarch_lint.catalog.replay.comments import COMMENTED_OBJECTS
from pgarch_lint.catalog.replay.drops import DROPPED_OBJECTS
from pgarch_lint.catalog.replay.functions import FUNCTION_OPTIONS
from pgarch_lint.catalog.replay.renames import MOVED_OBJECTS, OWNED_OBJECTS, RENAMED_OBJECTS
from pgarch_lint.sql import ast

__all__ = ["Coverage", "Kind", "coverage"]


class Kind(enum.Enum):
    MODELLED = "modelled"
    PARTIAL = "partial"
    SCHEMA = "schema"
    CLUSTER = "cluster"
    DATA = "data"
    SESSION = "session"


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the catalog models of one statement (see the module docstring)."""

    kind: Kind
    missing: tuple[str, ...] = ()
    subcommands: tuple[int, ...] = ()


_MODELLED = Coverage(Kind.MODELLED)

_SESSION = frozenset(
    {
        "TransactionStmt",
        "VariableShowStmt",
        "LockStmt",
        "VacuumStmt",
        "ReindexStmt",
        "ClusterStmt",
        "RefreshMatViewStmt",
        "CheckPointStmt",
        "NotifyStmt",
        "ListenStmt",
        "UnlistenStmt",
        "ExplainStmt",
        "DiscardStmt",
        "PrepareStmt",
        "ExecuteStmt",
        "DeallocateStmt",
        "DeclareCursorStmt",
        "FetchStmt",
        "ClosePortalStmt",
        "LoadStmt",
        "ConstraintsSetStmt",
    }
)
_DATA = frozenset(
    {
        "InsertStmt",
        "UpdateStmt",
        "DeleteStmt",
        "MergeStmt",
        "CopyStmt",
        "TruncateStmt",
        "DoStmt",
        "CallStmt",
        "SelectStmt",
        "SetOperationStmt",
    }
)
_CLUSTER = frozenset(
    {
        "AlterRoleStmt",
        "AlterRoleSetStmt",
        "GrantRoleStmt",
        "CreatedbStmt",
        "DropdbStmt",
        "AlterDatabaseStmt",
        "AlterDatabaseSetStmt",
        "AlterDatabaseRefreshCollStmt",
        "AlterSystemStmt",
        "CreateTableSpaceStmt",
        "DropTableSpaceStmt",
        "AlterTableSpaceOptionsStmt",
        "AlterTableMoveAllStmt",
        "ReassignOwnedStmt",
        "DropOwnedStmt",
        "CreateSubscriptionStmt",
        "AlterSubscriptionStmt",
        "DropSubscriptionStmt",
    }
)
# ALTER statements whose object type decides: (attribute holding it, modelled types)
_BY_OBJECT_TYPE: dict[str, tuple[str, frozenset[str]]] = {
    "CommentStmt": ("objtype", COMMENTED_OBJECTS),
    "DropStmt": ("removeType", DROPPED_OBJECTS),
    "RenameStmt": ("renameType", RENAMED_OBJECTS),
    "AlterObjectSchemaStmt": ("objectType", MOVED_OBJECTS),
    "AlterOwnerStmt": ("objectType", OWNED_OBJECTS),
}
_ALTER_SUBCOMMANDS = {
    "OBJECT_TABLE": TABLE_SUBCOMMANDS,
    "OBJECT_VIEW": VIEW_SUBCOMMANDS,
    "OBJECT_MATVIEW": VIEW_SUBCOMMANDS,
    "OBJECT_SEQUENCE": SEQUENCE_SUBCOMMANDS,
    "OBJECT_INDEX": INDEX_SUBCOMMANDS,
}


def coverage(node: ast.Node) -> Coverage:
    """What the catalog models of the statement ``node`` (see the module docstring)."""
    name = type(node).__name__
    if name in _SESSION:
        return Coverage(Kind.SESSION)
    if name in _CLUSTER:
        return Coverage(Kind.CLUSTER)
    if isinstance(node, ast.VariableSetStmt):
        modelled = (node.name or "").lower() == "search_path"
        return _MODELLED if modelled else Coverage(Kind.SESSION)
    if isinstance(node, ast.SelectStmt):
        return _MODELLED if _select_modelled(node) else Coverage(Kind.DATA)
    if name in _DATA:
        return Coverage(Kind.DATA)
    if name in _BY_OBJECT_TYPE:
        attr, types = _BY_OBJECT_TYPE[name]
        return _MODELLED if enum_name(getattr(node, attr)) in types else Coverage(Kind.SCHEMA)
    if isinstance(node, ast.AlterTableStmt):
        return _alter_table(node)
    if type(node) not in HANDLERS:
        return Coverage(Kind.SCHEMA)
    missing = _missing(node)
    return Coverage(Kind.PARTIAL, missing) if missing else _MODELLED


def _select_modelled(node: ast.SelectStmt) -> bool:
    """``SELECT ... INTO`` and pg_dump's ``SELECT pg_catalog.set_config('search_path', ...)``."""
    if node.intoClause is not None:
        return True
    targets = node.targetList or ()
    for tgt in targets:
        fc = getattr(tgt, "val", None)
        if not isinstance(fc, ast.FuncCall) or not fc.funcname:
            return False
        args = fc.args or ()
        if value_text(fc.funcname[-1]) != "set_config" or not args:
            return False
        if value_text(args[0]) != "search_path":
            return False
    return bool(targets)


def _alter_table(node: ast.AlterTableStmt) -> Coverage:
    known = _ALTER_SUBCOMMANDS.get(enum_name(node.objtype))
    cmds = node.cmds or ()
    if known is None:
        return Coverage(Kind.SCHEMA)  # ALTER FOREIGN TABLE, ALTER TYPE ... ADD ATTRIBUTE
    ignored = tuple(i for i, c in enumerate(cmds) if enum_name(c.subtype) not in known)
    missing: list[str] = []
    for c in cmds:
        if enum_name(c.subtype) in known:
            missing.extend(_subcommand_missing(c))
    if ignored and len(ignored) == len(cmds):
        return Coverage(Kind.SCHEMA)
    if ignored or missing:
        return Coverage(Kind.PARTIAL, tuple(dict.fromkeys(missing)), ignored)
    return _MODELLED


def _subcommand_missing(cmd: ast.AlterTableCmd) -> list[str]:
    st = enum_name(cmd.subtype)
    d = cmd.def_
    if st == "AT_AddColumn" and isinstance(d, ast.ColumnDef):
        return _column_missing(d)
    if st == "AT_AddConstraint" and isinstance(d, ast.Constraint):
        return _constraint_missing(d)
    if st in ("AT_AddIdentity", "AT_SetIdentity"):
        opts: Any = d.options if isinstance(d, ast.Constraint) else d
        names = [getattr(o, "defname", "") for o in opts or ()]
        if any(n != "generated" for n in names):
            return ["identity sequence options"]
    if st == "AT_AddIndex" and isinstance(d, ast.IndexStmt):
        return _index_missing(d)
    return []


def _missing(node: ast.Node) -> tuple[str, ...]:
    """The clauses of a statement of a modelled type that the catalog does not record."""
    out: list[str] = []
    if isinstance(node, ast.CreateStmt):
        if node.options:
            out.append("storage parameters")
        if node.tablespacename:
            out.append("tablespace")
        if enum_name(node.oncommit) not in ("ONCOMMIT_NOOP", "None"):
            out.append("ON COMMIT")
        if node.accessMethod:
            out.append("table access method")
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                out.extend(_column_missing(elt))
            elif isinstance(elt, ast.Constraint):
                out.extend(_constraint_missing(elt))
    elif isinstance(node, ast.IndexStmt):
        out.extend(_index_missing(node))
    elif isinstance(node, ast.AlterFunctionStmt):
        if any(getattr(d, "defname", "") not in FUNCTION_OPTIONS for d in node.actions or ()):
            out.append("routine options (COST, ROWS, PARALLEL, SUPPORT...)")
    elif isinstance(node, ast.CreateDomainStmt):
        if node.collClause is not None:
            out.append("collation")
    elif isinstance(node, ast.CompositeTypeStmt):
        if any(getattr(c, "collClause", None) is not None for c in node.coldeflist or ()):
            out.append("attribute collations")
    elif isinstance(node, ast.CreateTableAsStmt):
        into = node.into
        if into is not None and (into.options or into.tableSpaceName or into.accessMethod):
            out.append("storage parameters, tablespace or access method")
    return tuple(dict.fromkeys(out))


def _column_missing(cd: ast.ColumnDef) -> list[str]:
    out: list[str] = []
    if cd.storage_name:
        out.append("column storage")
    if cd.compression:
        out.append("column compression")
    if cd.fdwoptions:
        out.append("column options")
    for con in cd.constraints or ():
        if isinstance(con, ast.Constraint):
            out.extend(_constraint_missing(con))
    return out


def _constraint_missing(con: ast.Constraint) -> list[str]:
    out: list[str] = []
    ct = enum_name(con.contype)
    if ct == "CONSTR_IDENTITY" and con.options:
        out.append("identity sequence options")
    keyed = ct in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION")
    if keyed and (con.options or con.indexspace):
        out.append("index storage parameters or tablespace")
    if con.fk_del_set_cols:
        out.append("the column list of ON DELETE SET NULL / SET DEFAULT")
    if con.is_no_inherit:
        out.append("NO INHERIT")
    if con.without_overlaps or con.fk_with_period or con.pk_with_period:
        out.append("WITHOUT OVERLAPS / PERIOD")
    return out


def _index_missing(node: ast.IndexStmt) -> list[str]:
    out: list[str] = []
    if node.options:
        out.append("index storage parameters")
    if node.tableSpace:
        out.append("tablespace")
    return out
