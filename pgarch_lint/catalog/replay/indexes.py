"""CREATE INDEX, ALTER INDEX ... ATTACH PARTITION, and the copies of indexes that
partitions and ``LIKE ... INCLUDING INDEXES`` receive."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pgarch_lint.catalog.names import name_addition, shared, split_qualified
from pgarch_lint.catalog.nodes import enum_name, figure_colname, index_key
from pgarch_lint.catalog.objects import Index, IndexKey, Table, View, copy_constraint
from pgarch_lint.sql import deparse

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_IndexStmt(cat: Catalog, node: ast.IndexStmt) -> None:
    rv = cast("ast.RangeVar", node.relation)  # CREATE INDEX always names its table
    key = cat.key_of(rv)
    rel: Table | View | None = cat.table_at(key) or cat.view_at(key)
    if rel is None:
        cat.note_unknown(f"{key[0]}.{key[1]}")
        return
    keys = [index_key(e) for e in node.indexParams or ()]
    attnames = [
        shared(e.indexcolname or e.name or figure_colname(e.expr)) for e in node.indexParams or ()
    ]
    if node.idxname:
        name = node.idxname
        ik = (rel.schema, name)
        if cat.has_index_key(ik):
            if node.if_not_exists:
                return
            cat.drop_index_at(ik)
    else:
        label = "pkey" if node.primary else ("key" if node.isconstraint else "idx")
        addition = None if node.primary else name_addition(attnames)
        name = cat.choose_relation_name(rel.schema, rel.name, addition, label)
    ix = Index(
        schema=rel.schema,
        name=name,
        table=shared(rel.qualified),
        method=shared((node.accessMethod or "btree").lower()),
        keys=keys,
        include=[e.name or f"({deparse(e.expr)})" for e in node.indexIncludingParams or ()],
        unique=bool(node.unique),
        primary=bool(node.primary),
        nulls_not_distinct=bool(node.nulls_not_distinct),
        concurrently=bool(node.concurrent),
        only=not bool(rv.inh),
        attnames=attnames,
    )
    if node.whereClause is not None:
        ix.predicate = deparse(node.whereClause)
    cat.stamp(ix)
    cat.put_index(rel, ix)
    cat.touch(rel)
    if isinstance(rel, Table) and rel.partitioned and not ix.only:
        for part in cat.partitions_of(rel):
            new = clone_index(cat, ix, part, with_constraint=False)
            if new is not None:
                new.parent = ix.qualified


def alter_index(cat: Catalog, node: ast.AlterTableStmt) -> None:
    """ALTER INDEX (an AlterTableStmt of OBJECT_INDEX): ATTACH PARTITION."""
    rv = cast("ast.RangeVar", node.relation)
    k = cat.index_key(rv.schemaname, rv.relname or "")
    ix = cat.index_at(k)
    if ix is None:
        cat.note_unknown(f"{k[0]}.{k[1]}")
        return
    cat.touch(ix)
    for cmd in node.cmds or ():
        if enum_name(cmd.subtype) == "AT_AttachPartition":
            ck = cat.index_key(cmd.def_.name.schemaname, cmd.def_.name.relname or "")
            child = cat.index_at(ck)
            if child is not None:
                child.parent = ix.qualified
                cat.touch(child)


def clone_index(cat: Catalog, ix: Index, t: Table, *, with_constraint: bool) -> Index | None:
    """A copy of ``ix`` on ``t`` under PostgreSQL's generated name (with the constraint
    that owns it, when asked)."""
    label = "pkey" if ix.primary else ("key" if ix.constraint and ix.unique else "idx")
    if ix.constraint and not ix.unique and not ix.primary:
        label = "excl"
    addition = (
        None if ix.primary else name_addition(ix.attnames or [k.column or "expr" for k in ix.keys])
    )
    name = cat.choose_relation_name(t.schema, t.name, addition, label)
    new = Index(
        schema=t.schema,
        name=name,
        table=t.qualified,
        method=ix.method,
        keys=[IndexKey(**{s: getattr(k, s) for s in IndexKey.__slots__}) for k in ix.keys],
        include=list(ix.include),
        predicate=ix.predicate,
        unique=ix.unique,
        primary=ix.primary,
        nulls_not_distinct=ix.nulls_not_distinct,
        attnames=list(ix.attnames),
    )
    cat.stamp(new)
    cat.put_index(t, new)
    if with_constraint and ix.constraint:
        src = cat.table_at(cat.resolve(*split_qualified(ix.table)))
        con = src.constraints.get(ix.constraint) if src else None
        if con is not None:
            nc = copy_constraint(con, t.qualified, name)
            nc.index = name
            new.constraint = name
            cat.put_constraint(t, nc)
    return new
