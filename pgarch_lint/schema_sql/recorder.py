"""The catalog of a ``schema --format sql`` run, which also remembers what it cannot hold.

:class:`SchemaRecorder` is a :class:`~pgarch_lint.catalog.Catalog` that replays statements as
usual and records, for the SQL writer:

- every statement the catalog does not model completely (:func:`~pgarch_lint.catalog.coverage.
  coverage`), did not parse, or failed to replay, as a :class:`Recorded` entry in history order,
  with the search_path it ran under and the relations and routine it named, resolved to the
  catalog's objects *at that moment* (so that the writer can tell, at the end, whether they
  still exist and under which name);
- the last statement that defined each routine and range type (:attr:`definitions`): their
  bodies, parameter defaults, ``OUT`` parameters, ``COST``/``PARALLEL``... are not in the model,
  so the writer prints that statement under the object's current name, with the attributes the
  model does hold;
- the parse tree of each exclusion constraint (:attr:`exclusions`): the catalog keeps its keys
  but not its operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pgarch_lint.catalog import (
    Catalog,
    Constraint,
    Function,
    Index,
    Loc,
    Table,
    Tracked,
    View,
)
from pgarch_lint.catalog.coverage import Coverage, Kind, coverage
from pgarch_lint.catalog.nodes import qualified_parts
from pgarch_lint.catalog.replay.functions import match_functions
from pgarch_lint.sql import ast, walk

if TYPE_CHECKING:
    from pgarch_lint.sql import CreatedName

__all__ = ["Recorded", "SchemaRecorder"]


@dataclass(slots=True)
class Recorded:
    """A statement the catalog does not (fully) hold, in history order."""

    loc: Loc
    node: ast.Node | None  # None: it did not parse
    coverage: Coverage
    search_path: tuple[str, ...]
    nested: bool = False  # inside a DO block
    failure: str | None = None  # the replay failed on it (the exception)
    # the relations it names (each RangeVar with the object it resolved to, None when the
    # catalog did not hold it), and the routine a CREATE TRIGGER executes
    relations: list[tuple[ast.RangeVar, Table | View | None]] = field(default_factory=list)
    routine: Function | None = None
    # the table or index a partly modelled CREATE made (its storage parameters are not kept)
    created: Table | Index | None = None


class SchemaRecorder(Catalog):
    """A catalog that records what the SQL writer needs besides the model (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.recorded: list[Recorded] = []
        # id(object) -> (object, its last defining statement, the search_path it ran under)
        self.definitions: dict[int, tuple[Tracked, ast.Node, tuple[str, ...]]] = {}
        # id(constraint) -> (constraint, its parse tree)
        self.exclusions: dict[int, tuple[Constraint, ast.Constraint]] = {}
        self.session_statements = 0
        self._do: Loc | None = None  # the DO block being replayed

    def apply(self, node: ast.Node, loc: Loc, base: int | None = None) -> None:
        cov = coverage(node)
        nested = (
            self._do is not None
            and self._do.path == loc.path
            and (self._do.start <= loc.start < self._do.end)
        )
        if isinstance(node, ast.DoStmt):
            self._do = loc
        path = self.search_path
        entry: Recorded | None = None
        if cov.kind is Kind.SESSION:
            self.session_statements += 0 if nested else 1
        elif cov.kind is not Kind.MODELLED:
            entry = Recorded(loc, node, cov, path, nested)
            self._references(entry)
            self.recorded.append(entry)
        excl = _exclusions(node)
        before = {id(c) for t in self._excl_tables(node) for c in t.constraints.values()}
        errors = self.errors
        super().apply(node, loc, base)
        if self.errors > errors:
            failure = self.failures[-1][0] if self.failures else "replay failed"
            if entry is None:
                entry = Recorded(loc, node, Coverage(Kind.PARTIAL), path, nested)
                self.recorded.append(entry)
            entry.failure = failure
            return
        self._define(node, path)
        if entry is not None:
            entry.created = self._created(node)
        if excl:
            self._match_exclusions(node, excl, before)

    def apply_unparsed(self, created: CreatedName, loc: Loc) -> None:
        self.recorded.append(Recorded(loc, None, Coverage(Kind.PARTIAL), self.search_path))
        super().apply_unparsed(created, loc)

    # --- what an unmodelled statement refers to ----------------------------------------------

    def _references(self, entry: Recorded) -> None:
        node = entry.node
        if node is None:
            return
        for n, _ in walk(node):
            if isinstance(n, ast.RangeVar) and n.relname:
                k = self.key_of(n)
                entry.relations.append((n, self.table_at(k) or self.view_at(k)))
        if isinstance(node, ast.CreateTrigStmt) and node.funcname:
            s, name = qualified_parts(node.funcname)
            found = self.functions_matching(s, name, ())
            entry.routine = found[0] if found else None

    def _created(self, node: ast.Node) -> Table | Index | None:
        """The table a CREATE TABLE, or the named index a CREATE INDEX, just made."""
        if isinstance(node, ast.CreateStmt) and node.relation is not None:
            return self.table_at(self.key_of(node.relation))
        if isinstance(node, ast.IndexStmt) and node.relation is not None and node.idxname:
            t = self.table_at(self.key_of(node.relation))
            return t.indexes.get(node.idxname) if t is not None else None
        return None

    # --- definitions ---------------------------------------------------------------------------

    def _define(self, node: ast.Node, path: tuple[str, ...]) -> None:
        obj: Tracked | None = None
        if isinstance(node, ast.CreateFunctionStmt):
            s, n = qualified_parts(node.funcname)
            owa = ast.ObjectWithArgs(
                objname=tuple(ast.String(sval=x) for x in ([s] if s else []) + [n]),
                objargs=tuple(
                    p.argType
                    for p in node.parameters or ()
                    if str(getattr(p.mode, "value", p.mode) or "i") not in ("o", "t")
                ),
            )
            found = match_functions(self, owa)
            obj = found[0] if found else None
        elif isinstance(node, ast.CreateRangeStmt):
            obj = self.type_at(self.type_key(node.typeName))
        elif isinstance(node, ast.CreateRoleStmt):
            obj = self.roles.get(node.role or "")
        elif isinstance(node, ast.ViewStmt) and node.view is not None:
            obj = self.view_at(self.key_of(node.view))
        elif isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
            rv = node.into.rel
            obj = self.view_at(self.key_of(rv)) if rv is not None else None
        if obj is not None:
            self.definitions[id(obj)] = (obj, node, path)

    def definition(self, obj: Tracked) -> tuple[ast.Node, tuple[str, ...]] | None:
        """The last statement that defined ``obj`` (a routine, range type, role, view or
        materialized view) and the search_path it ran under; None when the replay saw none."""
        found = self.definitions.get(id(obj))
        if found is None or found[0] is not obj:
            return None
        return found[1], found[2]

    # --- exclusion constraints ---------------------------------------------------------------

    def _excl_tables(self, node: ast.Node) -> list[Table]:
        rv = getattr(node, "relation", None)
        if not isinstance(node, (ast.CreateStmt, ast.AlterTableStmt)) or rv is None:
            return []
        t = self.table_at(self.key_of(rv))
        return [t] if t is not None else []

    def _match_exclusions(
        self, node: ast.Node, excl: list[ast.Constraint], before: set[int]
    ) -> None:
        new = [
            c
            for t in self._excl_tables(node)
            for c in t.constraints.values()
            if c.kind == "exclude" and id(c) not in before
        ]
        for c, con in zip(new, excl, strict=False):
            self.exclusions[id(c)] = (c, con)

    def exclusion(self, c: Constraint) -> ast.Constraint | None:
        """The parse tree of the exclusion constraint ``c`` (None when unknown)."""
        found = self.exclusions.get(id(c))
        return found[1] if found is not None and found[0] is c else None


def _exclusions(node: ast.Node) -> list[ast.Constraint]:
    """The EXCLUDE constraints a CREATE TABLE or ALTER TABLE adds, in order."""
    if not isinstance(node, (ast.CreateStmt, ast.AlterTableStmt)):
        return []
    out: list[ast.Constraint] = []
    for n, _ in walk(node):
        if isinstance(n, ast.Constraint) and str(getattr(n.contype, "name", "")) == (
            "CONSTR_EXCLUSION"
        ):
            out.append(n)
    return out
