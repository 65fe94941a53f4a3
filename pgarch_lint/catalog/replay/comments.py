"""COMMENT ON (the comment is stored on the object it names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog.nodes import enum_name, qualified_parts, texts_of, value_text
from pgarch_lint.catalog.objects import Tracked
from pgarch_lint.catalog.replay.functions import match_functions

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_CommentStmt(cat: Catalog, node: ast.CommentStmt) -> None:
    obj = _target(cat, enum_name(node.objtype), node.object)
    if obj is not None:
        obj.comment = node.comment
        cat.touch(obj)


def _target(cat: Catalog, ot: str, o: Any) -> Tracked | None:
    # ``o`` is what the statement names, by object type: a name list (a tuple, although
    # pglast's stubs say Node), a TypeName, an ObjectWithArgs or a String
    if ot in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
        k = cat.resolve(*qualified_parts(o))
        t = cat.table_at(k)
        if t is None:
            cat.note_unknown(f"{k[0]}.{k[1]}")
        return t
    if ot in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        return cat.view_at(cat.resolve(*qualified_parts(o)))
    if ot == "OBJECT_SEQUENCE":
        return cat.sequence_at(cat.resolve(*qualified_parts(o)))
    if ot == "OBJECT_INDEX":
        return cat.index_at(cat.index_key(*qualified_parts(o)))
    if ot in ("OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_POLICY"):
        return _table_part(cat, ot, texts_of(o))
    if ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        fs = match_functions(cat, o)
        return fs[0] if fs else None
    if ot == "OBJECT_SCHEMA":
        return cat.schemas.get(value_text(o))
    if ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
        return cat.type_at(cat.type_key(o))
    if ot == "OBJECT_DOMCONSTRAINT":
        ty = cat.type_at(cat.type_key(o[0]))
        return ty.constraints.get(value_text(o[1])) if ty is not None else None
    if ot == "OBJECT_EXTENSION":
        return cat.extensions.get(value_text(o))
    if ot == "OBJECT_ROLE":
        return cat.roles.get(value_text(o))
    return None


def _table_part(cat: Catalog, ot: str, parts: list[str]) -> Tracked | None:
    """A column, constraint or policy named ``[schema.]table.name``."""
    if len(parts) < 2:
        return None
    k = cat.resolve(parts[-3] if len(parts) > 2 else None, parts[-2])
    t = cat.table_at(k)
    if t is None:
        v = cat.view_at(k)
        if v is not None or ot != "OBJECT_COLUMN":
            return None
        cat.note_unknown(f"{k[0]}.{k[1]}")
        return None
    if ot == "OBJECT_COLUMN":
        return t.columns.get(parts[-1])
    if ot == "OBJECT_TABCONSTRAINT":
        return t.constraints.get(parts[-1])
    return t.policies.get(parts[-1])


#: the object types whose COMMENT ON the catalog stores
COMMENTED_OBJECTS: frozenset[str] = frozenset(
    {
        "OBJECT_TABLE",
        "OBJECT_FOREIGN_TABLE",
        "OBJECT_VIEW",
        "OBJECT_MATVIEW",
        "OBJECT_SEQUENCE",
        "OBJECT_INDEX",
        "OBJECT_COLUMN",
        "OBJECT_TABCONSTRAINT",
        "OBJECT_POLICY",
        "OBJECT_FUNCTION",
        "OBJECT_PROCEDURE",
        "OBJECT_ROUTINE",
        "OBJECT_SCHEMA",
        "OBJECT_TYPE",
        "OBJECT_DOMAIN",
        "OBJECT_DOMCONSTRAINT",
        "OBJECT_EXTENSION",
        "OBJECT_ROLE",
    }
)
