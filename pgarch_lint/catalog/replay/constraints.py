"""Table constraints (inline, table-level and ``ALTER TABLE ... ADD``) and the indexes that
PRIMARY KEY, UNIQUE and EXCLUDE constraints own; the constraints ``ALTER TABLE ... ADD`` gives
a table the catalog does not hold (:func:`sketch_constraint`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pgarch_lint.catalog.names import Key, name_addition, shared
from pgarch_lint.catalog.nodes import (
    enum_name,
    index_key,
    proves_not_null,
    referenced_columns,
    texts_of,
)
from pgarch_lint.catalog.objects import Constraint, Index, IndexKey, Table
from pgarch_lint.sql import deparse

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast

_KINDS = {
    "CONSTR_PRIMARY": "primary key",
    "CONSTR_UNIQUE": "unique",
    "CONSTR_FOREIGN": "foreign key",
    "CONSTR_CHECK": "check",
    "CONSTR_EXCLUSION": "exclude",
    "CONSTR_NOTNULL": "not null",
}
_FK_ACTIONS = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_FK_MATCH = {"s": "simple", "f": "full", "p": "partial"}


def add_constraint(
    cat: Catalog, t: Table, con: ast.Constraint, cols: list[str] | None
) -> Constraint | None:
    """Add a Constraint node to ``t`` (``cols``: its inline column); None for clauses that
    are no constraint of their own (DEFAULT, NULL, attributes...)."""
    kind = _KINDS.get(enum_name(con.contype))
    if kind is None:
        return None
    c = Constraint(name="", kind=kind, table=shared(t.qualified))
    cat.stamp(c)
    _attributes(c, con)
    if kind in ("primary key", "unique"):
        c.columns = texts_of(con.keys) if con.keys else list(cols or [])
        c.include = texts_of(con.including)
        c.nulls_not_distinct = bool(con.nulls_not_distinct)
        c.using_index = con.indexname or None
    elif kind == "exclude":
        c.columns = []
        for pair in con.exclusions or ():
            elem = pair[0]
            c.columns.append(elem.name if elem.name else f"({deparse(elem.expr)})")
        if con.where_clause is not None:
            c.expression_ = con.where_clause
    elif kind == "foreign key":
        _foreign_key(cat, c, con, cols)
    elif kind == "check":
        _check(c, con)
    else:  # not null
        c.columns = texts_of(con.keys) if con.keys else list(cols or [])
        for cn in c.columns:
            if cn in t.columns:
                t.columns[cn].not_null = True
    c.name = con.conname or _generated_name(cat, t, c)
    if kind in ("primary key", "unique", "exclude"):
        _constraint_index(cat, t, c, con)
        if kind == "primary key":
            for cn in c.columns:
                if cn in t.columns:
                    t.columns[cn].not_null = True
    cat.put_constraint(t, c)
    return c


def sketch_constraint(cat: Catalog, key: Key, con: ast.Constraint) -> Constraint | None:
    """The constraint ``ALTER TABLE ... ADD`` gives the table ``key``, which the catalog does
    not hold, for its sketch (:mod:`pgarch_lint.catalog.sketches`): a named CHECK or FOREIGN
    KEY; None for anything else. Stamped without counting as a change, and a referenced table
    the catalog does not know is not noted (the table itself was)."""
    kind = _KINDS.get(enum_name(con.contype))
    if kind not in ("check", "foreign key") or not con.conname:
        return None
    c = Constraint(name=con.conname, kind=kind, table=shared(f"{key[0]}.{key[1]}"))
    cat.stamp(c, change=False)
    _attributes(c, con)
    if kind == "check":
        _check(c, con)
    else:
        _foreign_key(cat, c, con, None, note=False)
    return c


def _attributes(c: Constraint, con: ast.Constraint) -> None:
    """Deferrability; enforcement and validity of CHECK, FOREIGN KEY and NOT NULL."""
    c.deferrable = bool(con.deferrable)
    c.initially_deferred = bool(con.initdeferred)
    if c.kind in ("check", "foreign key", "not null"):
        c.enforced = bool(con.is_enforced) if con.is_enforced is not None else True
        c.not_valid = bool(con.skip_validation)
        c.validated = bool(con.initially_valid) and not con.skip_validation


def _check(c: Constraint, con: ast.Constraint) -> None:
    c.expression_ = con.raw_expr
    refs = referenced_columns(con.raw_expr) if con.raw_expr is not None else []
    c.columns = refs
    c.proves_not_null = [r for r in refs if proves_not_null(con.raw_expr, r)]


def _foreign_key(
    cat: Catalog, c: Constraint, con: ast.Constraint, cols: list[str] | None, *, note: bool = True
) -> None:
    c.columns = texts_of(con.fk_attrs) if con.fk_attrs else list(cols or [])
    rk = cat.key_of(cast("ast.RangeVar", con.pktable))
    c.ref_table = f"{rk[0]}.{rk[1]}"
    ref = cat.table_at(rk)
    if ref is None and note:
        cat.note_unknown(c.ref_table)
    c.ref_columns = texts_of(con.pk_attrs)
    if not c.ref_columns and ref is not None and ref.primary_key is not None:
        c.ref_columns = list(ref.primary_key.columns)
    c.on_delete = _FK_ACTIONS.get(con.fk_del_action or "a")
    c.on_update = _FK_ACTIONS.get(con.fk_upd_action or "a")
    c.match = _FK_MATCH.get(con.fk_matchtype or "s", "simple")


def _generated_name(cat: Catalog, t: Table, c: Constraint) -> str:
    """The name PostgreSQL gives an unnamed constraint (see catalog.names)."""
    kind = c.kind
    if kind == "primary key":
        return cat.choose_relation_name(t.schema, t.name, None, "pkey")
    if kind in ("unique", "exclude"):
        return cat.choose_relation_name(
            t.schema,
            t.name,
            name_addition(
                c.columns
                if kind == "unique"
                else [x if not x.startswith("(") else "expr" for x in c.columns]
            ),
            "key" if kind == "unique" else "excl",
        )
    if kind == "foreign key":
        return cat.choose_constraint_name(t, name_addition(c.columns), "fkey")
    if kind == "check":
        one = c.columns[0] if len(c.columns) == 1 else None
        return cat.choose_constraint_name(t, one, "check")
    return cat.choose_constraint_name(t, c.columns[0] if c.columns else None, "not_null")


def _constraint_index(cat: Catalog, t: Table, c: Constraint, con: ast.Constraint) -> None:
    if c.using_index:
        ix = t.indexes.get(c.using_index)
        if ix is None:
            cat.note_unknown(f"{t.schema}.{c.using_index}")
            c.index = None
            return
        # PostgreSQL renames the index to the constraint's name
        if ix.name != c.name:
            cat.rename_index(t, ix, c.name)
        ix.constraint = c.name
        ix.primary = c.kind == "primary key"
        ix.unique = True
        c.index = ix.name
        if not c.columns:
            c.columns = [k.text for k in ix.keys]
        return
    ix = Index(schema=t.schema, name=c.name, table=shared(t.qualified), constraint=c.name)
    cat.stamp(ix)
    ix.unique = c.kind != "exclude"
    ix.primary = c.kind == "primary key"
    ix.nulls_not_distinct = c.nulls_not_distinct
    ix.include = list(c.include)
    if c.kind == "exclude":
        ix.method = con.access_method or "gist"
        for pair in con.exclusions or ():
            ix.keys.append(index_key(pair[0]))
        if con.where_clause is not None:
            ix.predicate = deparse(con.where_clause)
    else:
        ix.keys = [IndexKey(column=cn) for cn in c.columns]
    c.index = ix.name
    cat.drop_index_at((t.schema, ix.name))
    cat.put_index(t, ix)
