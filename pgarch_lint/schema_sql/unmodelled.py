"""The end of the schema file: what the catalog does not model, never silently dropped.

Every statement the recorder kept (:class:`~pgarch_lint.schema_sql.recorder.Recorded`) is
written in history order with its file and line:

- **applied** (``SCHEMA``: triggers, rules, statistics, ``ALTER TABLE ... ENABLE TRIGGER``, the
  sub-commands of an ``ALTER TABLE`` the catalog ignores, and the storage parameters of a
  ``CREATE TABLE`` or ``CREATE INDEX`` as ``ALTER ... SET (...)``) as SQL, under the search_path it
  ran with; relations and trigger routines renamed since are written under their current
  names, and ``DROP`` is written ``IF EXISTS`` (the object may come from a statement the file
  cannot replay, such as a dynamic ``EXECUTE``);
- **not applied**, commented out, with the reason: statements that refer to a relation or a
  routine a later statement dropped, data and procedural statements (``INSERT``, ``COPY``,
  ``DO``...), cluster-wide ones (role settings, databases, tablespaces), statements whose
  modelled part is above and whose other clauses are not kept (``WITH (fillfactor = 70)``),
  statements that do not parse, and those the replay failed on.

Transaction control, session settings and maintenance (``BEGIN``, ``SET lock_timeout``,
``VACUUM``, ``REINDEX``...) are counted, not listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pgarch_lint.catalog import Function, Index, Loc, Table, View
from pgarch_lint.catalog.coverage import Kind
from pgarch_lint.schema_sql.recorder import Recorded, SchemaRecorder
from pgarch_lint.sql import ast, deparse, enums

__all__ = ["Written", "unmodelled_statements"]

#: the text of a statement at a location (None when the file is not known)
SourceText = Callable[[Loc], str]


@dataclass(frozen=True, slots=True)
class Written:
    """One statement of the section: its text, applied or commented out, and why."""

    loc: Loc
    line: int
    text: str
    applied: bool
    note: str
    search_path: tuple[str, ...]


_REASONS = {
    Kind.DATA: "data or procedural statement: not applied",
    Kind.CLUSTER: "changes the cluster (roles, databases, tablespaces, subscriptions), "
    "not the schema: not applied",
}


def unmodelled_statements(
    cat: SchemaRecorder, text_of: SourceText, line_of: Callable[[Loc], int]
) -> list[Written]:
    """The statements of the section, in history order."""
    out: list[Written] = []
    for e in cat.recorded:
        text = text_of(e.loc).strip()
        if not text.endswith(";"):
            text += ";"
        out.append(_written(cat, e, text, line_of(e.loc)))
    return out


def _written(cat: SchemaRecorder, e: Recorded, text: str, line: int) -> Written:
    def w(applied: bool, note: str, sql: str = text) -> Written:
        return Written(e.loc, line, sql, applied, note, e.search_path)

    if e.node is None:
        return w(False, "does not parse: not applied")
    if e.failure is not None:
        return w(False, f"the replay failed on it ({e.failure}): not applied")
    kind = e.coverage.kind
    if kind in _REASONS:
        return w(False, _REASONS[kind])
    if kind is Kind.PARTIAL and not e.coverage.subcommands:
        options = _storage_parameters(cat, e)
        missing = ", ".join(e.coverage.missing)
        if options is not None:
            rest = [m for m in e.coverage.missing if "storage parameters" not in m]
            note = "the storage parameters of this statement (the object is above)"
            if rest:
                note += f"; not kept: {', '.join(rest)}"
            return w(True, note, options)
        return w(False, f"the schema above holds this statement but not its {missing}")
    gone = _gone(cat, e)
    if gone is not None:
        return w(False, f"{gone}: not applied")
    node = e.node
    renamed = _rename(cat, e)
    note = "inside a DO block; " if e.nested else ""
    if isinstance(node, ast.AlterTableStmt) and e.coverage.subcommands:
        cmds = node.cmds or ()
        keep = tuple(cmds[i] for i in e.coverage.subcommands)
        node = ast.AlterTableStmt(
            relation=node.relation, cmds=keep, objtype=node.objtype, missing_ok=node.missing_ok
        )
        note += "the sub-commands the catalog does not model"
        if e.coverage.missing:
            note += f" (not kept: {', '.join(e.coverage.missing)})"
        return w(True, note, deparse(node) + ";")
    if isinstance(node, ast.DropStmt) and not node.missing_ok:
        node.missing_ok = True
        renamed = True
    if renamed:
        return w(True, note + "written under current names", deparse(node) + ";")
    return w(True, note.removesuffix("; "))


def _storage_parameters(cat: SchemaRecorder, e: Recorded) -> str | None:
    """``ALTER TABLE / INDEX ... SET (...)`` giving the table or index a CREATE made the
    storage parameters the catalog does not keep (None when there are none, or when the
    object is gone)."""
    node, obj = e.node, e.created
    options = getattr(node, "options", None)
    if not options or obj is None:
        return None
    if isinstance(obj, Table) and isinstance(node, ast.CreateStmt):
        if not _present(cat, obj):
            return None
        kind = "TABLE"
    elif isinstance(obj, Index) and isinstance(node, ast.IndexStmt):
        if cat.index_at((obj.schema, obj.name)) is not obj:
            return None
        kind = "INDEX"
    else:
        return None
    cmd = ast.AlterTableCmd(subtype=enums.AlterTableType.AT_SetRelOptions, def_=options)
    objtype = enums.ObjectType.OBJECT_TABLE if kind == "TABLE" else enums.ObjectType.OBJECT_INDEX
    stmt = ast.AlterTableStmt(
        relation=ast.RangeVar(schemaname=obj.schema, relname=obj.name, inh=True),
        cmds=(cmd,),
        objtype=objtype,
    )
    return deparse(stmt) + ";"


def _present(cat: SchemaRecorder, obj: Table | View) -> bool:
    key = (obj.schema, obj.name)
    return (cat.table_at(key) or cat.view_at(key)) is obj


def _gone(cat: SchemaRecorder, e: Recorded) -> str | None:
    """Why the statement cannot apply: a relation or routine it names was dropped later."""
    for rv, obj in e.relations:
        if obj is not None and not _present(cat, obj):
            return f'refers to "{rv.relname}", which a later statement dropped'
    f = e.routine
    if f is not None and not _routine_present(cat, f):
        return f'runs routine "{f.name}", which a later statement dropped'
    return None


def _routine_present(cat: SchemaRecorder, f: Function) -> bool:
    return cat.function_at((f.schema, f.name, f.argtypes)) is not None


def _rename(cat: SchemaRecorder, e: Recorded) -> bool:
    """Point the statement's names at the objects' current names; whether any changed."""
    changed = False
    for rv, obj in e.relations:
        if obj is None:
            continue
        if rv.relname != obj.name or (rv.schemaname and rv.schemaname != obj.schema):
            rv.relname = obj.name
            rv.schemaname = obj.schema
            changed = True
    node = e.node
    f = e.routine
    if isinstance(node, ast.CreateTrigStmt) and f is not None:
        names = [getattr(s, "sval", "") for s in node.funcname or ()]
        if names[-1:] != [f.name] or (len(names) > 1 and names[-2] != f.schema):
            node.funcname = (ast.String(sval=f.schema), ast.String(sval=f.name))
            changed = True
    return changed
