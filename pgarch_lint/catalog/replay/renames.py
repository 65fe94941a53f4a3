"""ALTER ... RENAME, ALTER ... SET SCHEMA and ALTER ... OWNER TO (the owner of tables, views
and sequences changes through ALTER TABLE: alter_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from pgarch_lint.catalog.nodes import enum_name, role_name, value_text
from pgarch_lint.catalog.objects import Tracked
from pgarch_lint.catalog.replay.functions import match_functions

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast

_RELATIONS = (
    "OBJECT_TABLE",
    "OBJECT_FOREIGN_TABLE",
    "OBJECT_VIEW",
    "OBJECT_MATVIEW",
    "OBJECT_SEQUENCE",
)
_ROUTINES = ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE")


def on_RenameStmt(cat: Catalog, node: ast.RenameStmt) -> None:
    rename = _RENAMES.get(enum_name(node.renameType))
    if rename is not None:
        rename(cat, node, node.newname or "")


def _relation(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    k = cat.key_of(cast("ast.RangeVar", node.relation))
    cat.move_relation(k, (k[0], new))


def _index(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    rv = cast("ast.RangeVar", node.relation)
    k = cat.index_key(rv.schemaname, rv.relname or "")
    if not cat.has_index_key(k):
        cat.note_unknown(f"{k[0]}.{k[1]}")
        return
    rel = cat.index_owner(k)
    ix = rel.indexes.get(k[1]) if rel is not None else None
    if rel is not None and ix is not None:
        cat.rename_index(rel, ix, new)
        cat.touch(ix)


def _column(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    rv = cast("ast.RangeVar", node.relation)
    k = cat.key_of(rv)
    t = cat.table_at(k)
    if t is None:
        if cat.view_at(k) is None:
            cat.note_unknown(f"{k[0]}.{k[1]}")
            cat.sketches.rename_column(k, node.subname or "", new)
        return
    if node.subname in t.columns:
        cat.rename_column(t, node.subname, new)
        cat.touch(t)
        if rv.inh is not False:
            for child in cat.descendants(t):
                if node.subname in child.columns and new not in child.columns:
                    cat.rename_column(child, node.subname, new)
                    cat.touch(child)


def _constraint(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    k = cat.key_of(cast("ast.RangeVar", node.relation))
    t = cat.table_at(k)
    if t is None:
        cat.note_unknown(f"{k[0]}.{k[1]}")
        cat.sketches.rename(k, node.subname or "", new)
        return
    c = t.constraints.get(node.subname or "")
    if c is not None:
        cat.rename_constraint(t, c, new, rename_index=True)
        cat.touch(c)
        cat.touch(t)


def _policy(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    t = cat.table_at(cat.key_of(cast("ast.RangeVar", node.relation)))
    p = t.policies.pop(node.subname or "", None) if t is not None else None
    if t is not None and p is not None:
        p.name = new
        t.policies[new] = p
        cat.touch(p)


def _schema(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    cat.rename_schema(node.subname or "", new)


def _routine(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    for f in match_functions(cat, cast("ast.ObjectWithArgs", node.object)):
        old_sig = f.signature
        cat.move_function(f, f.schema, new)
        cat.rename_grant_refs(old_sig, f.signature)
        cat.touch(f)


def _type(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    ty = cat.move_type(cat.type_key(node.object), name=new)
    if ty is not None:
        cat.touch(ty)


def _attribute(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    rv = cast("ast.RangeVar", node.relation)  # the composite type
    ty = cat.type_at(cat.type_key([rv.schemaname, rv.relname] if rv.schemaname else [rv.relname]))
    if ty is not None:
        for a in ty.attributes:
            if a.name == node.subname:
                a.name = new


def _role(cat: Catalog, node: ast.RenameStmt, new: str) -> None:
    r = cat.roles.pop(node.subname or "", None)
    if r is not None:
        r.name = new
        cat.roles[new] = r


_RENAMES: dict[str, Callable[[Catalog, ast.RenameStmt, str], None]] = {
    **dict.fromkeys(_RELATIONS, _relation),
    "OBJECT_INDEX": _index,
    "OBJECT_COLUMN": _column,
    "OBJECT_TABCONSTRAINT": _constraint,
    "OBJECT_POLICY": _policy,
    "OBJECT_SCHEMA": _schema,
    **dict.fromkeys(_ROUTINES, _routine),
    "OBJECT_TYPE": _type,
    "OBJECT_DOMAIN": _type,
    "OBJECT_ATTRIBUTE": _attribute,
    "OBJECT_ROLE": _role,
}


def on_AlterObjectSchemaStmt(cat: Catalog, node: ast.AlterObjectSchemaStmt) -> None:
    ot = enum_name(node.objectType)
    ns = node.newschema or ""
    if ot in _RELATIONS:
        k = cat.key_of(cast("ast.RangeVar", node.relation))
        cat.move_relation(k, (ns, k[1]))
    elif ot in _ROUTINES:
        for f in match_functions(cat, cast("ast.ObjectWithArgs", node.object)):
            cat.move_function(f, ns, f.name)
            cat.touch(f)
    elif ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
        ty = cat.move_type(cat.type_key(node.object), schema=ns)
        if ty is not None:
            cat.touch(ty)
    elif ot == "OBJECT_EXTENSION":
        ext = cat.extensions.get(value_text(node.object))
        if ext is not None:
            ext.schema = ns
            cat.touch(ext)


def on_AlterOwnerStmt(cat: Catalog, node: ast.AlterOwnerStmt) -> None:
    ot = enum_name(node.objectType)
    target: Tracked | None = None
    if ot in _ROUTINES:
        fs = match_functions(cat, cast("ast.ObjectWithArgs", node.object))
        target = fs[0] if fs else None
    elif ot == "OBJECT_SCHEMA":
        target = cat.schemas.get(value_text(node.object))
    elif ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
        target = cat.type_at(cat.type_key(node.object))
    if target is not None:
        target.owner = role_name(node.newowner)
        cat.touch(target)


#: the object types whose RENAME, SET SCHEMA and OWNER TO the replay follows
RENAMED_OBJECTS: frozenset[str] = frozenset(_RENAMES)
MOVED_OBJECTS: frozenset[str] = frozenset(
    (*_RELATIONS, *_ROUTINES, "OBJECT_TYPE", "OBJECT_DOMAIN", "OBJECT_EXTENSION")
)
OWNED_OBJECTS: frozenset[str] = frozenset(
    (*_ROUTINES, "OBJECT_SCHEMA", "OBJECT_TYPE", "OBJECT_DOMAIN")
)
