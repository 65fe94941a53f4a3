"""Rollback compatibility: does a statement change an object that running code may already use?

The rules of the ``compatibility`` family report statements that break the application
version still running during a rolling deploy, or the one you roll back to. Such a version
can only depend on objects that existed before the migration: an object created earlier in
the file (or migration unit) being checked is new, so altering or dropping it again breaks
nobody. The questions these rules share:

* :func:`runs_later`: the statement sits in a function body, so it runs when the function is
  called, not at migration time (what the catalog knows now proves nothing about then);
* :func:`if_exists_noop`: ``ALTER ... IF EXISTS`` / ``DROP ... IF EXISTS`` of a relation the
  replay proves absent (see :meth:`CatalogView.relation_absent`) does nothing;
* :func:`relation_in_use`: the relation a statement changes existed before the file (never
  seen counts as existing) and the statement is not such a no-op;
* :func:`definition_known`: the catalog saw the table's whole definition (created by a parsed
  ``CREATE TABLE`` of a replayed file), so the absence of a constraint, a default or a
  generation expression it does not list is a fact, not a gap of the history;
* :func:`type_is_new` / :func:`routine_is_new`: the domain (or type), or every routine a
  ``DROP FUNCTION`` names (:func:`named_routines`), was created earlier in the unit.

Known gaps: the catalog does not model triggers, rules or aggregates, so their newness is
judged by their table (triggers, rules) or not at all (aggregates); objects created by dynamic
SQL (``EXECUTE``) are invisible; a ``CREATE OR REPLACE`` / ``IF NOT EXISTS`` of an object the
history never showed counts as a creation. Rules judge each statement against the catalog as
it was before it, so a later statement of the file that restores what this one removed
(re-adds the constraint, sets the default again, re-creates the function) is not seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.catalog import Origin, normalize_type
from pgarch_lint.sql import ast

from .migration import existed_before

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.catalog import Function, Table

__all__ = [
    "definition_known",
    "if_exists_noop",
    "named_routines",
    "relation_in_use",
    "routine_is_new",
    "runs_later",
    "type_is_new",
]


def runs_later(ctx: Context) -> bool:
    """The statement is part of a function body: it runs when the function is called."""
    return ctx.statement is not None and ctx.statement.deferred


def if_exists_noop(ctx: Context, missing_ok: bool | None, rv: object) -> bool:
    """``... IF EXISTS`` names a relation the replay proves absent: the statement does nothing
    (never assumed inside a function body, which runs later)."""
    if not missing_ok or runs_later(ctx) or not isinstance(rv, ast.RangeVar):
        return False
    return ctx.catalog.relation_absent(util.rv_name(rv))


def relation_in_use(ctx: Context, rv: object, missing_ok: bool | None = False) -> bool:
    """The relation ``rv`` existed before the file being checked (unknown = existing), and an
    ``IF EXISTS`` does not make the statement a no-op."""
    return existed_before(ctx, rv) and not if_exists_noop(ctx, missing_ok, rv)


def definition_known(ctx: Context, table: Table | None) -> bool:
    """The catalog holds the table's whole definition: a parsed ``CREATE TABLE`` (not
    ``CREATE TABLE AS``) of a replayed file created it, so what it does not list is absent."""
    return (
        table is not None
        and ctx.catalog.origin_of(table) is not Origin.UNKNOWN
        and table.columns_known
        and not table.from_query
    )


def type_is_new(ctx: Context, names: list[str]) -> bool:
    """The type (domain, enum...) named by ``names`` was created earlier in the unit."""
    if not names:
        return False
    td = ctx.catalog.type(".".join(names))
    return td is not None and ctx.catalog.origin_of(td) is Origin.CURRENT_FILE


def named_routines(ctx: Context, owa: object) -> list[Function]:
    """The functions and procedures the catalog knows that a ``DROP FUNCTION / PROCEDURE /
    ROUTINE`` item (an ``ObjectWithArgs``) names: the overload its argument types select, or
    every overload of the name (in the first schema of the path that has one) when no
    argument list is written."""
    if not isinstance(owa, ast.ObjectWithArgs):
        return []
    name = ".".join(util.names_of(owa.objname))
    if not name:
        return []
    cat = ctx.catalog
    if owa.args_unspecified:
        found = cat.function(name)
        if found is None:
            return []
        return [f for f in cat.functions() if f.schema == found.schema and f.name == found.name]
    f = cat.function(name, tuple(normalize_type(a) for a in owa.objargs or ()))
    return [f] if f is not None else []


def routine_is_new(ctx: Context, owa: object) -> bool:
    """Every routine a ``DROP FUNCTION / PROCEDURE / ROUTINE`` item names (see
    :func:`named_routines`) was created earlier in the unit; False when the catalog knows
    none of them."""
    found = named_routines(ctx, owa)
    return bool(found) and all(ctx.catalog.origin_of(f) is Origin.CURRENT_FILE for f in found)
