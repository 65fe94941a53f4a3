"""ALTER TABLE (and the ALTER VIEW / SEQUENCE / INDEX forms pglast parses as one), one
function per family of sub-commands; the column and constraint sub-commands that PostgreSQL
applies to partitions and inheritance children too are applied to them. On a table the catalog
does not hold, the named CHECK / FOREIGN KEY constraints it adds go to the table's sketch
(:mod:`pgarch_lint.catalog.sketches`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog.names import Key
from pgarch_lint.catalog.nodes import enum_name, partbound_text, role_name, texts_of, value_text
from pgarch_lint.catalog.objects import Column, Constraint, Table
from pgarch_lint.catalog.replay.constraints import add_constraint, sketch_constraint
from pgarch_lint.catalog.replay.indexes import alter_index, on_IndexStmt
from pgarch_lint.catalog.replay.tables import add_column, set_default
from pgarch_lint.catalog.types import normalize_type
from pgarch_lint.sql import ast

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog

# sub-commands PostgreSQL recurses to partitions and inheritance children (without ONLY)
_RECURSIVE_SUBCOMMANDS = frozenset(
    {
        "AT_AddColumn",
        "AT_DropColumn",
        "AT_AlterColumnType",
        "AT_SetNotNull",
        "AT_DropNotNull",
        "AT_ColumnDefault",
        "AT_ValidateConstraint",
    }
)


def on_AlterTableStmt(cat: Catalog, node: ast.AlterTableStmt) -> None:
    objtype = enum_name(node.objtype)
    if objtype == "OBJECT_INDEX":
        alter_index(cat, node)
        return
    rv = cast("ast.RangeVar", node.relation)  # ALTER TABLE / VIEW / SEQUENCE names its relation
    key = cat.key_of(rv)
    if objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        _alter_view(cat, key, node)
        return
    if objtype == "OBJECT_SEQUENCE":
        seq = cat.sequence_at(key)
        if seq is None:
            cat.note_unknown(f"{key[0]}.{key[1]}")
            return
        cat.touch(seq)
        for cmd in node.cmds or ():
            if enum_name(cmd.subtype) == "AT_ChangeOwner":
                seq.owner = role_name(cmd.newowner)
        return
    t = cat.table_at(key)
    if t is None:
        cat.note_unknown(f"{key[0]}.{key[1]}")
        if objtype == "OBJECT_TABLE" and not cat.rel_exists(key):
            _sketch(cat, key, node)
        return
    cat.touch(t)
    for cmd in node.cmds or ():
        alter_table_cmd(cat, t, cmd)
        if rv.inh is not False and enum_name(cmd.subtype) in _RECURSIVE_SUBCOMMANDS:
            for child in cat.descendants(t):
                cat.touch(child)
                alter_table_cmd(cat, child, cmd)


def _sketch(cat: Catalog, key: Key, node: ast.AlterTableStmt) -> None:
    """What ALTER TABLE of a table the catalog does not hold does to the table's sketch."""
    sk = cat.sketches
    for cmd in node.cmds or ():
        st = enum_name(cmd.subtype)
        if st == "AT_AddConstraint" and isinstance(cmd.def_, ast.Constraint):
            c = sketch_constraint(cat, key, cmd.def_)
            if c is not None:
                sk.put(key, c)
        elif st == "AT_DropColumn" and cmd.name:
            sk.drop_column(key, cmd.name)
        elif st == "AT_DropConstraint" and cmd.name:
            sk.drop(key, cmd.name)
        elif st in ("AT_ValidateConstraint", "AT_AlterConstraint"):
            name = cmd.name if st == "AT_ValidateConstraint" else _altered_name(cmd)
            c = sk.get(key, name or "")
            if c is None:
                continue
            c.touch(cat.loc)  # a sketch's change is no change of the catalog's objects
            if st == "AT_ValidateConstraint":
                c.validated, c.not_valid = True, False
            else:
                _alter_constraint(c, cast("ast.ATAlterConstraint", cmd.def_))


def _altered_name(cmd: ast.AlterTableCmd) -> str | None:
    return getattr(cmd.def_, "conname", None)


def _alter_view(cat: Catalog, key: tuple[str, str], node: ast.AlterTableStmt) -> None:
    v = cat.view_at(key)
    if v is None:
        cat.note_unknown(f"{key[0]}.{key[1]}")
        return
    cat.touch(v)
    for cmd in node.cmds or ():
        st = enum_name(cmd.subtype)
        if st == "AT_SetRelOptions":
            for d in _defelems(cmd):
                v.options[d.defname] = value_text(d.arg) if d.arg is not None else "true"
        elif st == "AT_ResetRelOptions":
            for d in _defelems(cmd):
                v.options.pop(d.defname, None)
        elif st == "AT_ChangeOwner":
            v.owner = role_name(cmd.newowner)


def _defelems(cmd: ast.AlterTableCmd) -> tuple[Any, ...]:
    """The options list a SET / RESET (...) or SET IDENTITY sub-command carries (elements are
    DefElem nodes)."""
    return cast("tuple[Any, ...]", cmd.def_ or ())


def alter_table_cmd(cat: Catalog, t: Table, cmd: ast.AlterTableCmd) -> None:
    """Apply one ALTER TABLE sub-command to ``t``."""
    st = enum_name(cmd.subtype)
    col = t.columns.get(cmd.name) if cmd.name else None
    if col is not None:
        cat.touch(col)
    family = _FAMILIES.get(st)
    if family is not None:
        family(cat, t, cmd, st, col)


SubCommand = Callable[["Catalog", Table, "ast.AlterTableCmd", str, "Column | None"], None]


def _column_cmd(
    cat: Catalog, t: Table, cmd: ast.AlterTableCmd, st: str, col: Column | None
) -> None:
    """ADD / DROP COLUMN, ALTER COLUMN ... TYPE / DEFAULT / [DROP] NOT NULL."""
    if st == "AT_AddColumn":
        cd = cast("ast.ColumnDef", cmd.def_)
        if cd.colname not in t.columns:  # else ADD COLUMN IF NOT EXISTS (or an error)
            add_column(cat, t, cd)
    elif st == "AT_DropColumn":
        if col is not None:
            cat.drop_column(t, col.name)
    elif col is None:
        return
    elif st == "AT_ColumnDefault":
        if cmd.def_ is None:
            col.default = None
            col.default_volatile = False
        else:
            set_default(cat, col, cast("ast.Node", cmd.def_))
    elif st == "AT_DropNotNull":
        col.not_null = False
        for c in list(t.constraints.values()):
            if c.kind == "not null" and c.columns == [col.name]:
                del t.constraints[c.name]
    elif st == "AT_SetNotNull":
        col.not_null = True
    elif st == "AT_AlterColumnType":
        cd = cast("ast.ColumnDef", cmd.def_)
        col.type = normalize_type(cd.typeName)
        if cd.collClause is not None:
            col.collation = ".".join(texts_of(cd.collClause.collname))
        if col.serial:
            col.serial = False


def _generated_cmd(
    cat: Catalog, t: Table, cmd: ast.AlterTableCmd, st: str, col: Column | None
) -> None:
    """Identity and generated columns: ADD / SET / DROP IDENTITY, SET / DROP EXPRESSION."""
    if col is None:
        return
    if st == "AT_AddIdentity":
        identity = cast("ast.Constraint", cmd.def_)
        col.identity = "always" if identity.generated_when == "a" else "by default"
        col.not_null = True
        cat.make_implicit_sequence(t, col.name)
    elif st == "AT_DropIdentity":
        col.identity = None
        cat.drop_owned_sequences(f"{t.qualified}.{col.name}", implicit_only=True)
    elif st == "AT_SetIdentity":
        for d in _defelems(cmd):
            if d.defname == "generated":
                # pglast gives the ATTRIBUTE_IDENTITY_* byte as an Integer: 97 'a' (ALWAYS),
                # 100 'd' (BY DEFAULT)
                col.identity = "always" if value_text(d.arg) in ("97", "a") else "by default"
    elif st == "AT_DropExpression":
        col.generated = None
        col.generated_expr = None
    elif st == "AT_SetExpression":
        col.generated_expr_ = cast("ast.Node", cmd.def_)


def _constraint_cmd(
    cat: Catalog, t: Table, cmd: ast.AlterTableCmd, st: str, col: Column | None
) -> None:
    """ADD / DROP / VALIDATE / ALTER CONSTRAINT."""
    c: Constraint | None
    if st == "AT_AddConstraint":
        if isinstance(cmd.def_, ast.Constraint):
            add_constraint(cat, t, cmd.def_, None)
    elif st == "AT_DropConstraint":
        c = t.constraints.get(cmd.name or "")
        if c is not None:
            cat.drop_constraint(t, c)
    elif st == "AT_ValidateConstraint":
        c = t.constraints.get(cmd.name or "")
        if c is not None:
            c.validated = True
            c.not_valid = False
            cat.touch(c)
    else:  # AT_AlterConstraint
        c = t.constraints.get(_altered_name(cmd) or "")
        if c is not None:
            cat.touch(c)
            _alter_constraint(c, cast("ast.ATAlterConstraint", cmd.def_))


def _alter_constraint(c: Constraint, ac: ast.ATAlterConstraint) -> None:
    """ALTER CONSTRAINT: deferrability, enforceability (PostgreSQL 18)."""
    if getattr(ac, "alterDeferrability", False):
        c.deferrable = bool(ac.deferrable)
        c.initially_deferred = bool(ac.initdeferred)
    if getattr(ac, "alterEnforceability", False):
        c.enforced = bool(ac.is_enforced)
        if not c.enforced:
            c.validated = False


def _table_cmd(cat: Catalog, t: Table, cmd: ast.AlterTableCmd, st: str, col: Column | None) -> None:
    """Row-level security, owner, persistence, ADD INDEX (a constraint's USING INDEX form)."""
    if st == "AT_EnableRowSecurity":
        t.rls_enabled = True
    elif st == "AT_DisableRowSecurity":
        t.rls_enabled = False
    elif st == "AT_ForceRowSecurity":
        t.rls_forced = True
    elif st == "AT_NoForceRowSecurity":
        t.rls_forced = False
    elif st == "AT_ChangeOwner":
        t.owner = role_name(cmd.newowner)
    elif st == "AT_SetLogged":
        t.persistence = "permanent"
    elif st == "AT_SetUnLogged":
        t.persistence = "unlogged"
    elif st == "AT_AddIndex" and isinstance(cmd.def_, ast.IndexStmt):
        on_IndexStmt(cat, cmd.def_)


def _hierarchy_cmd(
    cat: Catalog, t: Table, cmd: ast.AlterTableCmd, st: str, col: Column | None
) -> None:
    """ATTACH / DETACH PARTITION, [NO] INHERIT."""
    if st == "AT_AttachPartition":
        pc = cast("ast.PartitionCmd", cmd.def_)
        k = cat.key_of(cast("ast.RangeVar", pc.name))
        child = cat.table_at(k)
        if child is None:
            cat.note_unknown(f"{k[0]}.{k[1]}")
            return
        cat.set_partition_of(child, t.qualified)
        child.partition_bound = partbound_text(pc.bound) if pc.bound is not None else None
        cat.touch(child)
    elif st in ("AT_DetachPartition", "AT_DetachPartitionFinalize"):
        pc = cast("ast.PartitionCmd", cmd.def_)
        child = cat.table_at(cat.key_of(cast("ast.RangeVar", pc.name)))
        if child is not None and child.partition_of == t.qualified:
            if st == "AT_DetachPartition":
                child.partition_of = None
                child.partition_bound = None
            cat.touch(child)
    else:
        k = cat.key_of(cast("ast.RangeVar", cmd.def_))  # [NO] INHERIT parent
        q = f"{k[0]}.{k[1]}"
        if st == "AT_AddInherit" and q not in t.inherits:
            cat.add_inherit(t, q)
        elif st == "AT_DropInherit" and q in t.inherits:
            t.inherits.remove(q)


_FAMILIES: dict[str, SubCommand] = {
    **dict.fromkeys(
        (
            "AT_AddColumn",
            "AT_DropColumn",
            "AT_ColumnDefault",
            "AT_DropNotNull",
            "AT_SetNotNull",
            "AT_AlterColumnType",
        ),
        _column_cmd,
    ),
    **dict.fromkeys(
        (
            "AT_AddIdentity",
            "AT_DropIdentity",
            "AT_SetIdentity",
            "AT_DropExpression",
            "AT_SetExpression",
        ),
        _generated_cmd,
    ),
    **dict.fromkeys(
        (
            "AT_AddConstraint",
            "AT_DropConstraint",
            "AT_ValidateConstraint",
            "AT_AlterConstraint",
        ),
        _constraint_cmd,
    ),
    **dict.fromkeys(
        (
            "AT_EnableRowSecurity",
            "AT_DisableRowSecurity",
            "AT_ForceRowSecurity",
            "AT_NoForceRowSecurity",
            "AT_ChangeOwner",
            "AT_SetLogged",
            "AT_SetUnLogged",
            "AT_AddIndex",
        ),
        _table_cmd,
    ),
    **dict.fromkeys(
        (
            "AT_AttachPartition",
            "AT_DetachPartition",
            "AT_DetachPartitionFinalize",
            "AT_AddInherit",
            "AT_DropInherit",
        ),
        _hierarchy_cmd,
    ),
}

#: the ALTER TABLE sub-commands the replay applies to a table (others change nothing it holds)
TABLE_SUBCOMMANDS: frozenset[str] = frozenset(_FAMILIES)
#: ... to a view or materialized view, a sequence, an index
VIEW_SUBCOMMANDS: frozenset[str] = frozenset(
    {"AT_SetRelOptions", "AT_ResetRelOptions", "AT_ChangeOwner"}
)
SEQUENCE_SUBCOMMANDS: frozenset[str] = frozenset({"AT_ChangeOwner"})
INDEX_SUBCOMMANDS: frozenset[str] = frozenset({"AT_AttachPartition"})
