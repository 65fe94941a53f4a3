"""The catalog object an ALTER of a non-table object names, and whether that object is new.

The rollback-compatibility rules flag changes to objects that a running application version
(or the version a rollback returns to) already uses. An object created earlier in the file
being checked (or in its migration unit) is new: no deployed code uses it yet, so changing it
is harmless. Tables have :func:`pgarch_lint.analysis.migration.existed_before`; this module
answers the same question for the other objects an ALTER statement may name, resolving
unqualified names through the catalog's search_path like PostgreSQL (the first schema that
holds one wins):

* :func:`altered_type`: the type of ``ALTER TYPE`` (enum, composite...) by its name parts;
* :func:`altered_functions`: the routines of ``ALTER FUNCTION / PROCEDURE / ROUTINE`` (an
  ``ObjectWithArgs``): the exact overload when an argument list is written, else every
  overload of the name;
* :func:`altered_policy`: the policy of ``ALTER POLICY name ON table``;
* :func:`altered_role`: the role of ``ALTER ROLE`` (None for ``ALL``, ``CURRENT_USER`` and
  the like, and for a role the replay never created);
* :func:`altered_extension`: the extension of ``ALTER EXTENSION``;
* :func:`all_created_here`: every object of a non-empty list was created earlier in the
  current file (an object the catalog does not know is assumed to exist and be in use);
* :func:`alter_table_does_nothing`: ``ALTER TABLE IF EXISTS`` of a relation the replay proves
  absent (outside a function body, which runs later);
* :func:`in_routine_body`: the statement sits in a function or procedure body: it runs when
  the routine is called, not when the migration runs, so what it will change then (new or
  existing objects) is unknown.

Known gaps: the catalog creates an object it had never seen when a ``CREATE ... IF NOT
EXISTS`` (or ``CREATE OR REPLACE``) names it, so such an object counts as new although the
database may already have had it; databases are not in the catalog at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog import Origin, normalize_type
from pgarch_lint.catalog.names import search_schemas
from pgarch_lint.catalog.nodes import qualified_parts, role_name
from pgarch_lint.sql import ast, enums

from .migration import existed_before

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.catalog import Extension, Function, Policy, Role, Tracked, TypeDef

__all__ = [
    "all_created_here",
    "alter_table_does_nothing",
    "altered_extension",
    "altered_functions",
    "altered_policy",
    "altered_role",
    "altered_type",
    "existing_table_altered",
    "in_routine_body",
]


def altered_type(ctx: Context, names: Iterable[Any] | None) -> TypeDef | None:
    """The catalog's type named by ``names`` (name nodes or strings, ``[schema,] name``)."""
    schema, name = qualified_parts(names)
    if not name:
        return None
    return ctx.catalog.type(f"{schema}.{name}" if schema else name)


def altered_functions(ctx: Context, owa: object) -> list[Function]:
    """The routines an ``ObjectWithArgs`` names: the overload with exactly the written
    argument types, or every overload when no argument list is written; [] when unknown."""
    if not isinstance(owa, ast.ObjectWithArgs):
        return []
    schema, name = qualified_parts(owa.objname)
    want = None if owa.args_unspecified else tuple(normalize_type(a) for a in owa.objargs or ())
    funcs = ctx.catalog.functions()
    for sch in search_schemas(ctx.catalog.search_path, schema):
        found = [
            f
            for f in funcs
            if f.schema == sch and f.name == name and (want is None or f.argtypes == want)
        ]
        if found:
            return found
    return []


def altered_policy(ctx: Context, table: object, name: str | None) -> Policy | None:
    """Policy ``name`` of the table ``table`` (a RangeVar) names, if the catalog has both."""
    if not isinstance(table, ast.RangeVar) or not name:
        return None
    t = ctx.catalog.table(table)
    if t is None:
        return None
    return next((p for p in ctx.catalog.policies_on(t) if p.name == name), None)


def altered_role(ctx: Context, spec: object) -> Role | None:
    """The role a RoleSpec names, if the replay created it (None for ``ALL`` (no spec),
    ``CURRENT_USER``, ``SESSION_USER``, ``CURRENT_ROLE``, ``PUBLIC`` and unknown roles)."""
    if not isinstance(spec, ast.RoleSpec) or not spec.rolename:
        return None
    return ctx.catalog.roles.get(role_name(spec))


def altered_extension(ctx: Context, name: str | None) -> Extension | None:
    """The extension called ``name``, if the replay created it."""
    return ctx.catalog.extensions.get(name) if name else None


def all_created_here(ctx: Context, objs: Sequence[Tracked | None]) -> bool:
    """Every object of ``objs`` was created earlier in the current file (or migration unit);
    False for an empty list or an unknown (None) object: assume it exists and is in use."""
    return bool(objs) and all(
        o is not None and ctx.catalog.origin_of(o) is Origin.CURRENT_FILE for o in objs
    )


def alter_table_does_nothing(ctx: Context, node: ast.AlterTableStmt) -> bool:
    """``ALTER [FOREIGN] TABLE IF EXISTS name ...`` where the replay proves no relation
    ``name`` exists now (see :meth:`CatalogView.relation_absent`): the statement does nothing.
    Inside a function body, which runs when called, it is never taken as doing nothing."""
    rel = node.relation
    if not node.missing_ok or not isinstance(rel, ast.RangeVar) or not rel.relname:
        return False
    if ctx.statement is not None and ctx.statement.deferred:
        return False
    name = f"{rel.schemaname}.{rel.relname}" if rel.schemaname else rel.relname
    return ctx.catalog.relation_absent(name)


_TABLES = frozenset({enums.ObjectType.OBJECT_TABLE})


def existing_table_altered(
    ctx: Context, node: ast.AlterTableStmt, kinds: frozenset[Any] = _TABLES
) -> ast.RangeVar | None:
    """The relation an ``ALTER TABLE`` changes when it is one that existed before this file
    (or migration unit) and the statement really runs now: None inside a routine body (it runs
    when called, on objects unknown now), for another object type than ``kinds`` (tables by
    default), for a relation created here, and for ``IF EXISTS`` of one the replay proves
    absent. What the compatibility rules (ban-add-column, ban-alter-*) share before they look
    at the sub-commands; the lock rules use ``migration.existing_alter_target`` instead (for
    them a temporary table is no concern)."""
    if in_routine_body(ctx) or node.objtype not in kinds:
        return None
    rel = node.relation
    if not isinstance(rel, ast.RangeVar) or not existed_before(ctx, rel):
        return None
    return None if alter_table_does_nothing(ctx, node) else rel


def in_routine_body(ctx: Context) -> bool:
    """The statement is part of a function or procedure body (not a DO block): it runs when
    the routine is called, on whatever objects exist then."""
    return ctx.statement is not None and ctx.statement.deferred
