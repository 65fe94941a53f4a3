"""DROP of tables, views, indexes, sequences, policies, routines, types, schemas and
extensions (roles: roles.py). A DROP of a relation is remembered even when nothing of that
name exists, to prove the name absent later (see CatalogQueries.relation_absent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgarch_lint.catalog.nodes import enum_name, qualified_parts, texts_of, value_text
from pgarch_lint.catalog.replay.functions import match_functions

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast

_RELATIONS = (
    "OBJECT_TABLE",
    "OBJECT_VIEW",
    "OBJECT_MATVIEW",
    "OBJECT_INDEX",
    "OBJECT_SEQUENCE",
    "OBJECT_FOREIGN_TABLE",
)


def on_DropStmt(cat: Catalog, node: ast.DropStmt) -> None:
    rt = enum_name(node.removeType)
    cascade = enum_name(node.behavior) == "DROP_CASCADE"
    for obj in node.objects or ():
        if rt in _RELATIONS:
            _drop_relation(cat, rt, obj, cascade=cascade, missing_ok=bool(node.missing_ok))
        elif rt == "OBJECT_POLICY":
            parts = texts_of(obj)
            t = cat.table_at(cat.resolve(parts[-3] if len(parts) > 2 else None, parts[-2]))
            if t is not None:
                t.policies.pop(parts[-1], None)
                cat.touch(t)
        elif rt in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            for f in match_functions(cat, obj):
                cat.drop_function(f)
        elif rt in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            cat.drop_type(cat.type_key(obj))
        elif rt == "OBJECT_SCHEMA":
            cat.drop_schema(value_text(obj), cascade=cascade)
        elif rt == "OBJECT_EXTENSION":
            cat.extensions.pop(value_text(obj), None)


def _drop_relation(
    cat: Catalog, rt: str, obj: tuple[ast.String, ...], *, cascade: bool, missing_ok: bool
) -> None:
    s, n = qualified_parts(obj)
    if rt == "OBJECT_INDEX":
        k = cat.index_key(s, n)
        cat.note_dropped(k)
        if cat.has_index_key(k):
            cat.drop_index_at(k)
        elif not missing_ok:
            cat.note_unknown(f"{k[0]}.{k[1]}")
        return
    k = cat.resolve(s, n)
    cat.note_dropped(k)
    if rt == "OBJECT_TABLE":
        if cat.table_at(k) is None and not missing_ok:
            cat.note_unknown(f"{k[0]}.{k[1]}")
        cat.drop_table(k, cascade=cascade)
    elif rt in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        cat.drop_view(k, cascade=cascade)
    elif rt == "OBJECT_SEQUENCE":
        cat.drop_sequence(k)


#: the object types whose DROP the replay follows
DROPPED_OBJECTS: frozenset[str] = frozenset(
    (
        *_RELATIONS,
        "OBJECT_POLICY",
        "OBJECT_FUNCTION",
        "OBJECT_PROCEDURE",
        "OBJECT_ROUTINE",
        "OBJECT_TYPE",
        "OBJECT_DOMAIN",
        "OBJECT_SCHEMA",
        "OBJECT_EXTENSION",
    )
)
