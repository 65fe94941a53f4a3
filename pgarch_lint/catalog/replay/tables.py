"""CREATE TABLE (with columns, inline constraints, LIKE, partitions and inheritance),
CREATE TABLE AS and SELECT INTO."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pgarch_lint.catalog.names import shared
from pgarch_lint.catalog.nodes import (
    apply_attr,
    enum_name,
    figure_colname,
    partbound_text,
    texts_of,
)
from pgarch_lint.catalog.objects import Column, Table, copy_column, copy_constraint
from pgarch_lint.catalog.replay.constraints import add_constraint
from pgarch_lint.catalog.replay.indexes import clone_index
from pgarch_lint.catalog.replay.views import make_view
from pgarch_lint.catalog.types import SERIAL_BASE_TYPES, normalize_type
from pgarch_lint.sql import ast, deparse, enums

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog

# a constraint node to add once the table's columns exist, with its inline column (if any)
Pending = list[tuple["ast.Constraint", list[str] | None]]

_CONSTRAINT_ATTRS = (
    "CONSTR_ATTR_DEFERRABLE",
    "CONSTR_ATTR_NOT_DEFERRABLE",
    "CONSTR_ATTR_DEFERRED",
    "CONSTR_ATTR_IMMEDIATE",
    "CONSTR_ATTR_ENFORCED",
    "CONSTR_ATTR_NOT_ENFORCED",
)
_TABLE_CONSTRAINTS = (
    "CONSTR_PRIMARY",
    "CONSTR_UNIQUE",
    "CONSTR_CHECK",
    "CONSTR_FOREIGN",
    "CONSTR_EXCLUSION",
)


def on_CreateStmt(cat: Catalog, node: ast.CreateStmt) -> None:
    rv = cast("ast.RangeVar", node.relation)
    key = cat.key_of(rv)
    if cat.table_at(key) is not None and node.if_not_exists:
        return
    t = cat.new_table(rv)
    parent = _inherit(cat, t, node)
    if node.partspec is not None:
        t.partitioned = True
        strategy = str(getattr(node.partspec.strategy, "value", node.partspec.strategy))
        t.partition_strategy = {"r": "range", "l": "list", "h": "hash"}.get(strategy)
        for pe in node.partspec.partParams or ():
            t.partition_key.append(pe.name if pe.name else f"({deparse(pe.expr)})")
    if node.ofTypename is not None:
        ty = cat.type_at(cat.type_key(node.ofTypename))
        if ty is not None:
            for a in ty.attributes:
                t.columns[a.name] = cat.stamped(copy_column(a, with_default=False))
    pending: Pending = []
    for elt in node.tableElts or ():
        if isinstance(elt, ast.ColumnDef):
            if parent is not None and elt.colname in t.columns:
                # partition column options (WITH OPTIONS ...): constraints only
                for con in elt.constraints or ():
                    pending.append((con, [elt.colname]))
                continue
            pending.extend(add_column(cat, t, elt, defer=True))
        elif isinstance(elt, ast.Constraint):
            pending.append((elt, None))
        elif isinstance(elt, ast.TableLikeClause):
            _like(cat, t, elt)
    for con, cols in pending:
        add_constraint(cat, t, con, cols)
    if parent is not None:
        _clone_partition_objects(cat, parent, t)
    if t.partition_of is not None and parent is not None:
        cat.touch(parent)


def _inherit(cat: Catalog, t: Table, node: ast.CreateStmt) -> Table | None:
    """PARTITION OF / INHERITS: link ``t`` and copy the parents' columns; returns the parent
    of a partition (None for anything else, or when the parent is unknown)."""
    parent: Table | None = None
    if node.partbound is not None and node.inhRelations:
        pkey = cat.key_of(node.inhRelations[0])
        parent = cat.table_at(pkey)
        cat.set_partition_of(t, f"{pkey[0]}.{pkey[1]}")
        t.partition_bound = partbound_text(node.partbound)
        if parent is None:
            cat.note_unknown(f"{pkey[0]}.{pkey[1]}")
        else:
            for c in parent.columns.values():
                t.columns[c.name] = cat.stamped(copy_column(c, with_default=True))
        return parent
    for ref in node.inhRelations or ():
        pk = cat.key_of(ref)
        cat.add_inherit(t, f"{pk[0]}.{pk[1]}")
        par = cat.table_at(pk)
        if par is None:
            cat.note_unknown(f"{pk[0]}.{pk[1]}")
            continue
        for c in par.columns.values():
            if c.name not in t.columns:
                t.columns[c.name] = cat.stamped(copy_column(c, with_default=True))
    return None


def _like(cat: Catalog, t: Table, like: ast.TableLikeClause) -> None:
    rv = cast("ast.RangeVar", like.relation)
    src = cat.table_at(cat.key_of(rv))
    if src is None:
        cat.note_unknown(".".join(cat.key_of(rv)))
        return
    opts = int(like.options or 0)
    TLO = enums.TableLikeOption
    defaults = bool(opts & int(TLO.CREATE_TABLE_LIKE_DEFAULTS))
    for c in src.columns.values():
        nc = cat.stamped(copy_column(c, with_default=defaults))
        if not opts & int(TLO.CREATE_TABLE_LIKE_IDENTITY):
            nc.identity = None
        if not opts & int(TLO.CREATE_TABLE_LIKE_GENERATED):
            nc.generated = None
            nc.generated_expr = None
        if not opts & int(TLO.CREATE_TABLE_LIKE_COMMENTS):
            nc.comment = None
        t.columns[nc.name] = nc
    if opts & int(TLO.CREATE_TABLE_LIKE_CONSTRAINTS):
        for con in src.constraints.values():
            if con.kind == "check":
                cat.put_constraint(t, copy_constraint(con, t.qualified, con.name))
    if opts & int(TLO.CREATE_TABLE_LIKE_INDEXES):
        for ix in list(src.indexes.values()):
            clone_index(cat, ix, t, with_constraint=True)


def _clone_partition_objects(cat: Catalog, parent: Table, child: Table) -> None:
    for ix in list(parent.indexes.values()):
        new = clone_index(cat, ix, child, with_constraint=True)
        if new is not None:
            new.parent = ix.qualified
    for c in parent.constraints.values():
        if c.kind in ("foreign key", "check") and c.name not in child.constraints:
            cat.put_constraint(child, copy_constraint(c, child.qualified, c.name))


def add_column(cat: Catalog, t: Table, cd: ast.ColumnDef, *, defer: bool = False) -> Pending:
    """Add a ColumnDef; returns its key/check/FK constraints (applied now unless defer)."""
    tname = normalize_type(cd.typeName)
    col = Column(name=shared(cd.colname or ""), type=tname)
    cat.stamp(col)
    if tname in SERIAL_BASE_TYPES:
        col.serial = True
        col.not_null = True
        seq = cat.make_implicit_sequence(t, col.name)
        col.default = f"nextval('{seq}'::regclass)"
        col.default_volatile = True
    if cd.is_not_null:
        col.not_null = True
    if cd.collClause is not None:
        col.collation = ".".join(texts_of(cd.collClause.collname))
    if cd.raw_default is not None:
        set_default(cat, col, cd.raw_default)
    t.columns[col.name] = col
    pending = _column_constraints(cat, t, col, cd)
    if not defer:
        # attribute markers were applied to the AST nodes in place
        for con, cols in pending:
            add_constraint(cat, t, con, cols)
        return []
    return pending


def _column_constraints(cat: Catalog, t: Table, col: Column, cd: ast.ColumnDef) -> Pending:
    """Apply a column definition's NULL/DEFAULT/IDENTITY/GENERATED clauses to ``col``; return
    its key, check and FK constraints (attribute clauses applied to the constraint before)."""
    pending: Pending = []
    prev: ast.Constraint | None = None
    for con in cd.constraints or ():
        ct = enum_name(con.contype)
        if ct == "CONSTR_NOTNULL":
            col.not_null = True
            if con.conname:
                pending.append((con, [col.name]))
        elif ct == "CONSTR_NULL":
            col.not_null = False
        elif ct == "CONSTR_DEFAULT":
            set_default(cat, col, con.raw_expr)
        elif ct == "CONSTR_IDENTITY":
            col.identity = "always" if con.generated_when == "a" else "by default"
            col.not_null = True
            cat.make_implicit_sequence(t, col.name)
        elif ct == "CONSTR_GENERATED":
            col.generated = "virtual" if con.generated_kind == "v" else "stored"
            col.generated_expr_ = con.raw_expr  # deparsed when read
        elif ct in _CONSTRAINT_ATTRS:
            if prev is not None:
                apply_attr(prev, ct)
            continue
        elif ct in _TABLE_CONSTRAINTS:
            pending.append((con, [col.name]))
            prev = con
            continue
        prev = None
    return pending


def set_default(cat: Catalog, col: Column, expr: ast.Node) -> None:
    col.default_ = expr  # deparsed when read
    col.default_volatile = cat.volatile_call(expr) is not None


def on_CreateTableAsStmt(cat: Catalog, node: ast.CreateTableAsStmt) -> None:
    matview = enum_name(node.objtype) == "OBJECT_MATVIEW"
    into = cast("ast.IntoClause", node.into)
    query = cast("ast.Node", node.query)
    create_table_as(cat, into, query, matview=matview, if_not_exists=bool(node.if_not_exists))


def create_table_as(
    cat: Catalog, into: ast.IntoClause, query: ast.Node, *, matview: bool, if_not_exists: bool
) -> None:
    """CREATE TABLE / MATERIALIZED VIEW ... AS, SELECT ... INTO."""
    rv = cast("ast.RangeVar", into.rel)
    key = cat.key_of(rv)
    if matview:
        if cat.view_at(key) is not None and if_not_exists:
            return
        v = make_view(cat, rv, query, into.options, matview=True)
        v.columns = texts_of(into.colNames)
        v.with_data = not into.skipData
        return
    if cat.table_at(key) is not None and if_not_exists:
        return
    t = cat.new_table(rv)
    t.from_query = True
    names = texts_of(into.colNames)
    cols = _query_columns(cat, query)
    for i, (cname, ctype) in enumerate(cols):
        n = shared(names[i] if i < len(names) else cname)
        if n and n not in t.columns:
            c = Column(name=n, type=shared(ctype))
            cat.stamp(c)
            t.columns[n] = c


def _query_columns(cat: Catalog, query: ast.Node) -> list[tuple[str, str]]:
    """Best-effort output columns of a SELECT (name, type or '' when unknown)."""
    out: list[tuple[str, str]] = []
    if not isinstance(query, ast.SelectStmt):
        return out
    sources: list[Table] = []
    for f in query.fromClause or ():
        if isinstance(f, ast.RangeVar):
            src = cat.table(f)
            if src is not None:
                sources.append(src)
    for tgt in query.targetList or ():
        val = tgt.val
        if isinstance(val, ast.ColumnRef) and val.fields and isinstance(val.fields[-1], ast.A_Star):
            for src in sources:
                out.extend((c.name, c.type) for c in src.columns.values())
            continue
        name = tgt.name or figure_colname(val)
        ctype = ""
        if isinstance(val, ast.TypeCast):
            ctype = normalize_type(val.typeName)
        elif isinstance(val, ast.ColumnRef):
            for src in sources:
                col = src.columns.get(name if not tgt.name else figure_colname(val))
                if col is not None:
                    ctype = col.type
                    break
        out.append((name, ctype))
    return out
