"""Existing objects: did the object a DROP, RENAME or SET SCHEMA names exist before this file?

The rollback-compatibility rules (``ban-drop-view``, ``renaming-object``, ``ban-set-schema``...)
ask one question about every object a statement removes, renames or moves: could application
code that is still running (the version being replaced, or the one a rollback returns to) be
using it? Code can only use what existed before the migration, so an object created earlier
in the file being checked (or in an earlier file of its migration unit) is *new* and changing
it breaks nobody.

* :class:`ObjectRef` is an object as a statement names it: its kind (``"view"``,
  ``"policy"``, ``"cast"``...), its qualified name, the member of a relation or type it names
  (a policy, trigger, rule, constraint or column of a table; an attribute of a composite
  type) and a routine's argument types. :func:`drop_refs`, :func:`rename_ref` and
  :func:`set_schema_ref` read them from ``DropStmt``, ``RenameStmt`` and
  ``AlterObjectSchemaStmt``; :func:`grant_refs` the objects a GRANT or REVOKE names.
* :func:`catalog_object` finds the object in the catalog; :func:`is_new` says whether it was
  created earlier in the current file: relations, indexes, types, domains, routines, schemas,
  extensions and policies by their own origin; members the catalog does not model (triggers,
  rules, constraints without a name the catalog knows) by their table's; a cast when its
  source or target type is new.
* :func:`provably_absent` says whether the replay proves the object absent, so that
  ``DROP ... IF EXISTS`` / ``ALTER ... IF EXISTS`` does nothing: relations through
  :meth:`~pgarch_lint.catalog.view.CatalogView.relation_absent`, types when no type of that
  name is known and the relation namespace of its schema is proven empty of it (tables and
  composite types share names), policies when their table is known and has no policy of that
  name, triggers and rules when their table is absent.
* :func:`schema_history_read`: an earlier file created something in the schema, so an
  object the catalog does not know there did not exist before this file (a ``CREATE OR
  REPLACE`` of it creates it).
* :func:`existing_drops` combines them for a ``DropStmt``: the objects it removes that
  existing code may use (not new; not a provable no-op, except in a function body, which runs
  later than the catalog can see).

Known gaps: an object the replay never saw counts as existing (assume it is used). Triggers,
rules and casts are not modelled by the catalog, so one created earlier in the file on an
existing table counts as existing. Objects created or dropped by SQL the catalog does not
replay (dynamic SQL, statements that failed to parse) can make :func:`provably_absent` wrong;
it is only used to skip statements that would do nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.catalog import Origin, Tracked, normalize_type
from pgarch_lint.sql import ast

if TYPE_CHECKING:
    from pgarch_lint.api import Context

__all__ = [
    "KIND_OF",
    "ObjectRef",
    "catalog_object",
    "drop_refs",
    "existing_drops",
    "grant_refs",
    "is_new",
    "provably_absent",
    "rename_ref",
    "schema_history_read",
    "set_schema_ref",
]

# ObjectType names → the word a message uses
KIND_OF: dict[str, str] = {
    "OBJECT_TABLE": "table",
    "OBJECT_FOREIGN_TABLE": "foreign table",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "materialized view",
    "OBJECT_SEQUENCE": "sequence",
    "OBJECT_INDEX": "index",
    "OBJECT_TYPE": "type",
    "OBJECT_DOMAIN": "domain",
    "OBJECT_FUNCTION": "function",
    "OBJECT_PROCEDURE": "procedure",
    "OBJECT_ROUTINE": "routine",
    "OBJECT_SCHEMA": "schema",
    "OBJECT_EXTENSION": "extension",
    "OBJECT_POLICY": "policy",
    "OBJECT_TRIGGER": "trigger",
    "OBJECT_RULE": "rule",
    "OBJECT_CAST": "cast",
    "OBJECT_TABCONSTRAINT": "constraint",
    "OBJECT_COLUMN": "column",
    "OBJECT_ATTRIBUTE": "attribute",
    "OBJECT_ROLE": "role",
}

RELATION_KINDS = frozenset(
    {"table", "foreign table", "view", "materialized view", "sequence", "index"}
)
ROUTINE_KINDS = frozenset({"function", "procedure", "routine"})
# kinds named as a member of a relation (``name ON table``, ``table.column``)
MEMBER_KINDS = frozenset({"policy", "trigger", "rule", "constraint", "column"})


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """An object as a statement names it.

    ``names`` is the qualified name (a member's relation, an attribute's type; for a cast the
    source and target types as ``format_type`` shows them); ``member`` the policy, trigger,
    rule, constraint, column or attribute; ``args`` a routine's normalised input argument
    types (None when the statement gives none: any overload).
    """

    kind: str
    names: tuple[str, ...]
    member: str | None = None
    args: tuple[str, ...] | None = None
    type_names: tuple[str, ...] = ()  # a cast's source and target as written (for look-ups)

    @property
    def name(self) -> str:
        """The qualified name as ``schema.name`` (or ``name``)."""
        return ".".join(self.names)

    @property
    def label(self) -> str:
        """The object for a message: ``view "v"``, ``policy "p" on "t"``, ``cast (a AS b)``,
        ``function "f(integer)"``, ``column "c" of view "v"``."""
        if self.kind == "cast":
            return f"cast ({self.names[0]} AS {self.names[-1]})"
        if self.kind in ROUTINE_KINDS and self.args is not None:
            return f'{self.kind} "{self.name}({", ".join(self.args)})"'
        if self.member is not None:
            if self.kind in ("column", "attribute"):
                return f'{self.kind} "{self.member}" of "{self.name}"'
            return f'{self.kind} "{self.member}" on "{self.name}"'
        return f'{self.kind} "{self.name}"'


# --- reading statements ----------------------------------------------------------------------


def _kind(objtype: object) -> str | None:
    return KIND_OF.get(getattr(objtype, "name", str(objtype)))


def _routine_args(owa: ast.ObjectWithArgs) -> tuple[str, ...] | None:
    if owa.args_unspecified:
        return None
    return tuple(normalize_type(a) for a in owa.objargs or ())


def _ref(kind: str, obj: object, rv: ast.RangeVar | None = None) -> ObjectRef | None:
    """The object ``obj`` (a DropStmt object, a RenameStmt/AlterObjectSchemaStmt ``object``)
    or ``rv`` names, of kind ``kind``."""
    if rv is not None:
        parts = [p for p in (rv.schemaname, rv.relname) if p]
        return ObjectRef(kind, tuple(parts)) if parts else None
    if kind in ROUTINE_KINDS and isinstance(obj, ast.ObjectWithArgs):
        parts = util.names_of(obj)
        return ObjectRef(kind, tuple(parts), args=_routine_args(obj)) if parts else None
    if kind == "cast" and isinstance(obj, (tuple, list)) and len(obj) == 2:
        src, dst = obj
        if isinstance(src, ast.TypeName) and isinstance(dst, ast.TypeName):
            return ObjectRef(
                kind,
                (normalize_type(src), normalize_type(dst)),
                type_names=(".".join(util.names_of(src)), ".".join(util.names_of(dst))),
            )
        return None
    if kind in ("policy", "trigger", "rule"):
        parts = util.names_of(obj)
        if len(parts) < 2:
            return None
        return ObjectRef(kind, tuple(parts[:-1]), member=parts[-1])
    parts = util.names_of(obj)
    return ObjectRef(kind, tuple(parts)) if parts else None


def drop_refs(node: ast.DropStmt) -> list[ObjectRef]:
    """The objects a DROP statement names, in order."""
    kind = _kind(node.removeType)
    if kind is None:
        return []
    out: list[ObjectRef] = []
    for obj in node.objects or ():
        ref = _ref(kind, obj)
        if ref is not None:
            out.append(ref)
    return out


def rename_ref(node: ast.RenameStmt) -> ObjectRef | None:
    """The object an ``ALTER ... RENAME`` renames (for a column, constraint or attribute: the
    member of its relation or type)."""
    kind = _kind(node.renameType)
    if kind is None:
        return None
    if kind in ("column", "constraint"):
        base = _ref("table", None, node.relation) if node.relation is not None else None
        if base is None or not node.subname:
            return None
        return ObjectRef(kind, base.names, member=node.subname)
    if kind == "attribute":
        base = _ref("type", None, node.relation) if node.relation is not None else None
        if base is None or not node.subname:
            return None
        return ObjectRef(kind, base.names, member=node.subname)
    if kind in ("schema", "role"):
        if kind == "role":
            name = node.subname or getattr(node.object, "sval", None)
        else:
            name = node.subname
        return ObjectRef(kind, (name,)) if name else None
    if kind in ("policy", "trigger", "rule"):
        if node.relation is None or not node.subname:
            return None
        base = _ref("table", None, node.relation)
        return ObjectRef(kind, base.names, member=node.subname) if base is not None else None
    if node.relation is not None:
        return _ref(kind, None, node.relation)
    return _ref(kind, node.object)


def set_schema_ref(node: ast.AlterObjectSchemaStmt) -> ObjectRef | None:
    """The object an ``ALTER ... SET SCHEMA`` moves."""
    kind = _kind(node.objectType)
    if kind is None:
        return None
    if node.relation is not None:
        return _ref(kind, None, node.relation)
    return _ref(kind, node.object)


def grant_refs(node: ast.GrantStmt) -> list[ObjectRef]:
    """The objects a GRANT or REVOKE names; for ``ALL TABLES (SEQUENCES, FUNCTIONS...) IN
    SCHEMA`` the schemas. Kinds the catalog does not model (databases, languages, servers...)
    come with their ``ObjectType`` name in lower case."""
    if getattr(node.targtype, "name", "") == "ACL_TARGET_ALL_IN_SCHEMA":
        return [ObjectRef("schema", (n,)) for n in util.names_of(node.objects)]
    kind = _kind(node.objtype) or (
        getattr(node.objtype, "name", "").removeprefix("OBJECT_").lower().replace("_", " ")
    )
    out: list[ObjectRef] = []
    for obj in node.objects or ():
        ref = _ref(kind, None, obj) if isinstance(obj, ast.RangeVar) else _ref(kind, obj)
        if ref is not None:
            out.append(ref)
    return out


# --- asking the catalog ----------------------------------------------------------------------


def _routine(ctx: Context, ref: ObjectRef) -> Tracked | None:
    """The function or procedure ``ref`` names (the exact overload when it gives arguments)."""
    return ctx.catalog.function(ref.name, ref.args)


def catalog_object(ctx: Context, ref: ObjectRef) -> Tracked | None:
    """The catalog's object for ``ref`` (for a member the catalog models: the policy or named
    constraint; for a column: the column), None when the catalog does not know it."""
    cat = ctx.catalog
    kind = ref.kind
    if kind == "index":
        return cat.index(ref.name)
    if kind in RELATION_KINDS:
        return cat.relation(util.rangevar(list(ref.names)))
    if kind in ("type", "domain"):
        return cat.type(ref.name)
    if kind in ROUTINE_KINDS:
        return _routine(ctx, ref)
    if kind == "schema":
        return cat.schemas.get(ref.name)
    if kind == "extension":
        return cat.extensions.get(ref.name)
    if kind == "role":
        return cat.roles.get(ref.name)
    if kind in MEMBER_KINDS:
        table = cat.table(util.rangevar(list(ref.names)))
        if table is None or ref.member is None:
            return None
        if kind == "policy":
            return table.policies.get(ref.member)
        if kind == "constraint":
            return table.constraints.get(ref.member)
        if kind == "column":
            return table.columns.get(ref.member)
    return None


def _new(ctx: Context, obj: Tracked | None) -> bool:
    return obj is not None and ctx.catalog.origin_of(obj) is Origin.CURRENT_FILE


def _owner(ctx: Context, ref: ObjectRef) -> Tracked | None:
    """The relation a member belongs to, or the type an attribute belongs to."""
    if ref.kind == "attribute":
        return ctx.catalog.type(ref.name)
    return ctx.catalog.relation(util.rangevar(list(ref.names)))


def is_new(ctx: Context, ref: ObjectRef) -> bool:
    """``ref`` was created earlier in the file being checked (or its migration unit): no
    running code can depend on it. A member (policy, trigger, rule, constraint, column,
    attribute) is new when its relation or type is, or when the catalog knows the member
    itself as new; a cast when its source or target type is new."""
    if ref.kind == "cast":
        return any(_new(ctx, ctx.catalog.type(t)) for t in ref.type_names)
    if ref.kind in MEMBER_KINDS or ref.kind == "attribute":
        return _new(ctx, _owner(ctx, ref)) or _new(ctx, catalog_object(ctx, ref))
    return _new(ctx, catalog_object(ctx, ref))


def schema_history_read(ctx: Context, schema: str | None) -> bool:
    """An earlier file of the run (a ``--context`` file, an earlier checked file, a live
    database's objects) created something in ``schema`` (None: the schema an unqualified
    CREATE uses), so the replay knows what the schema held before this file: an object of it
    that the catalog does not know did not exist. The same evidence
    :meth:`CatalogView.relation_absent` accepts, readable for any kind of object."""
    cat = ctx.catalog
    name = schema or cat.creation_schema
    objs: list[Tracked] = [*cat.tables(), *cat.views(), *cat.sequences(), *cat.types()]
    objs += cat.functions()
    return any(
        getattr(o, "schema", None) == name
        and cat.origin_of(o) in (Origin.CHECKED_FILE, Origin.CONTEXT)
        for o in objs
    )


def provably_absent(ctx: Context, ref: ObjectRef) -> bool:
    """The replay proves ``ref`` does not exist now (``... IF EXISTS`` does nothing).

    Relations: :meth:`CatalogView.relation_absent`. Types and domains: no type of that name
    is known and no relation of that name can exist (a table's row type shares its name).
    Policies: the table is known and has no policy of that name, or the table is absent.
    Triggers and rules (not modelled): only when their table is absent. Anything else: never.
    """
    cat = ctx.catalog
    if ref.kind in RELATION_KINDS:
        return catalog_object(ctx, ref) is None and cat.relation_absent(ref.name)
    if ref.kind in ("type", "domain"):
        return cat.type(ref.name) is None and cat.relation_absent(ref.name)
    if ref.kind in ("policy", "trigger", "rule"):
        if cat.relation_absent(ref.name):
            return True
        if ref.kind == "policy":
            table = cat.table(util.rangevar(list(ref.names)))
            return table is not None and ref.member not in table.policies
    return False


def existing_drops(node: ast.DropStmt, ctx: Context) -> Iterator[ObjectRef]:
    """The objects a DROP statement removes that running code may use: not created earlier in
    this file and, with ``IF EXISTS``, not proven absent (in a function body, which runs when
    called, absence now proves nothing)."""
    deferred = ctx.statement is not None and ctx.statement.deferred
    for ref in drop_refs(node):
        if is_new(ctx, ref):
            continue
        if node.missing_ok and not deferred and provably_absent(ctx, ref):
            continue
        yield ref
