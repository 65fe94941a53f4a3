"""What a statement declares: the names it gives to tables, columns, indexes, constraints and
types, read from the statement's tree with the catalog as it was *before* the statement.

The catalog records every declaration of the run as a :class:`NameDef` in its ledger
(``Catalog.names``), context files and live databases included. House-style inference
(:mod:`pgarch_lint.analysis.conventions`) reads the ledger, and the naming rules judge its entries
once the whole run is known. :func:`defined_names` and :func:`constraint_info` are the
readers it is built from (rule packs may use them per statement).

A name is recorded where it is defined (CREATE, ADD, RENAME), never where it is referred to.
An unnamed constraint or index is recorded with the name PostgreSQL generates for it
(``explicit`` false), without the clash numbering, which depends on names already taken.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgarch_lint import astutil as util
from pgarch_lint.catalog.names import make_object_name, shared
from pgarch_lint.sql import RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS, ast, enums, walk

if TYPE_CHECKING:
    from pgarch_lint.catalog.objects import Loc
    from pgarch_lint.catalog.view import CatalogView

_CT = enums.ConstrType
_OT = enums.ObjectType
_AT = enums.AlterTableType

#: contype → (naming template kind, label)
CONSTRAINT_KINDS: Mapping[enums.ConstrType | None, tuple[str, str]] = {
    _CT.CONSTR_PRIMARY: ("primary-key", "primary key"),
    _CT.CONSTR_FOREIGN: ("foreign-key", "foreign key"),
    _CT.CONSTR_UNIQUE: ("unique", "unique constraint"),
    _CT.CONSTR_CHECK: ("check", "check constraint"),
    _CT.CONSTR_EXCLUSION: ("exclusion", "exclusion constraint"),
}
_PG_SUFFIX = {
    "primary-key": "pkey",
    "foreign-key": "fkey",
    "unique": "key",
    "check": "check",
    "exclusion": "excl",
}


# --- small readers ---------------------------------------------------------------------------


def column_refs(expr: ast.Node | None) -> list[str]:
    """Column names an expression mentions, in order, without duplicates."""
    out: list[str] = []
    for n, _ in walk(expr):
        if isinstance(n, ast.ColumnRef) and n.fields:
            last = n.fields[-1]
            if isinstance(last, ast.String) and last.sval and last.sval not in out:
                out.append(last.sval)
    return out


def expr_hint(expr: ast.Node | None) -> str:
    """A name part for an expression key: ``lower(email)`` → ``lower_email``."""
    parts: list[str] = []
    for n, _ in walk(expr):
        if isinstance(n, ast.FuncCall):
            fn = util.func_name(n)
            if fn and fn not in parts:
                parts.append(fn)
        elif isinstance(n, ast.ColumnRef) and n.fields:
            last = n.fields[-1]
            if isinstance(last, ast.String) and last.sval and last.sval not in parts:
                parts.append(last.sval)
    return "_".join(parts) or "expr"


def _strs(items: Iterable[Any] | None) -> list[str]:
    return [s.sval for s in items or () if isinstance(s, ast.String) and s.sval]


def _qual(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _same_rel(a: ast.RangeVar, b: ast.RangeVar) -> bool:
    return a.relname == b.relname and (a.schemaname or None) == (b.schemaname or None)


def _create_pk(stmt: ast.CreateStmt) -> list[str]:
    for elt in stmt.tableElts or ():
        for con in util.constraints_of(elt):
            if con.contype == _CT.CONSTR_PRIMARY:
                if con.keys:
                    return _strs(con.keys)
                if isinstance(elt, ast.ColumnDef) and elt.colname:
                    return [elt.colname]
    return []


# --- constraints -----------------------------------------------------------------------------


@dataclass(slots=True)
class ConstraintInfo:
    """A table constraint as one statement defines it (named or not)."""

    node: ast.Constraint
    kind: str  # template kind: primary-key, foreign-key, unique, check, exclusion
    label: str
    name: str | None
    table: str  # bare name of the owning table
    rel: ast.RangeVar
    columns: list[str]
    expression_keys: bool = False  # some key is an expression (EXCLUDE)
    ref_table: str | None = None
    ref_rel: ast.RangeVar | None = None
    ref_columns: list[str] = field(default_factory=list)
    statement: ast.CreateStmt | ast.AlterTableStmt | None = None

    def generated_name(self) -> str:
        """The name PostgreSQL generates, truncated to 63 bytes as it does (without the clash
        numbering, which depends on the names already taken)."""
        suffix = _PG_SUFFIX[self.kind]
        if self.kind == "primary-key":
            return make_object_name(self.table, None, suffix)
        if self.kind == "check":
            mid = self.columns[0] if len(self.columns) == 1 else None
        else:
            mid = "_".join(c if not c.startswith("(") else "expr" for c in self.columns) or None
        return make_object_name(self.table, mid, suffix)


def owner_statement(
    parents: tuple[ast.Node, ...],
) -> tuple[ast.CreateStmt | ast.AlterTableStmt | None, ast.ColumnDef | None]:
    """The CreateStmt/AlterTableStmt that owns a Constraint node, and its inline column."""
    coldef: ast.ColumnDef | None = None
    for p in reversed(parents):
        if isinstance(p, ast.ColumnDef) and coldef is None:
            coldef = p
        elif isinstance(p, (ast.CreateStmt, ast.AlterTableStmt)):
            return p, coldef
        elif isinstance(p, (ast.CreateDomainStmt, ast.AlterDomainStmt)):
            return None, None
    return None, None


def constraint_info(
    node: ast.Constraint,
    stmt: ast.CreateStmt | ast.AlterTableStmt | None,
    coldef: ast.ColumnDef | None,
    catalog: CatalogView,
) -> ConstraintInfo | None:
    """Describe a PK/FK/UNIQUE/CHECK/EXCLUDE constraint of the CreateStmt/AlterTableStmt
    ``stmt`` (declared inline on ``coldef`` or at table level), or None for anything else (NOT
    NULL, DEFAULT, a CREATE TABLE IF NOT EXISTS of a table that exists)."""
    kinds = CONSTRAINT_KINDS.get(node.contype)
    if kinds is None:
        return None
    if stmt is None or not isinstance(stmt.relation, ast.RangeVar):
        return None
    rel = stmt.relation
    if isinstance(stmt, ast.CreateStmt) and stmt.if_not_exists and catalog.table(rel):
        return None  # CREATE TABLE IF NOT EXISTS of a table that exists: a no-op
    kind, label = kinds
    info = ConstraintInfo(
        node=node,
        kind=kind,
        label=label,
        name=node.conname or None,
        table=rel.relname or "",
        rel=rel,
        columns=[],
        statement=stmt,
    )
    inline = [coldef.colname] if coldef is not None and coldef.colname else []
    if kind in ("primary-key", "unique"):
        info.columns = _strs(node.keys) or inline
        if not info.columns and node.indexname:
            ix = catalog.index(_qual(rel.schemaname, node.indexname))
            if ix is not None:
                info.columns = [k.column or "expr" for k in ix.keys]
                info.expression_keys = any(k.column is None for k in ix.keys)
    elif kind == "foreign-key":
        info.columns = _strs(node.fk_attrs) or inline
        info.ref_rel = node.pktable
        info.ref_table = node.pktable.relname if node.pktable is not None else None
        info.ref_columns = _strs(node.pk_attrs)
        if not info.ref_columns and node.pktable is not None:
            ref = catalog.table(node.pktable)
            pk = ref.primary_key if ref is not None else None
            if pk is not None:
                info.ref_columns = list(pk.columns)
            elif isinstance(stmt, ast.CreateStmt) and _same_rel(node.pktable, rel):
                info.ref_columns = _create_pk(stmt)
    elif kind == "check":
        info.columns = column_refs(node.raw_expr) or inline
    else:  # exclusion
        for pair in node.exclusions or ():
            elem = pair[0] if isinstance(pair, tuple) and pair else None
            if isinstance(elem, ast.IndexElem):
                if elem.name:
                    info.columns.append(elem.name)
                else:
                    info.columns.append(expr_hint(elem.expr))
                    info.expression_keys = True
    return info


def table_constraints(
    stmt: ast.Node | None,
) -> Iterator[tuple[ast.Constraint, ast.ColumnDef | None]]:
    """Every constraint a CreateStmt / AlterTableStmt declares, with its inline column."""
    if isinstance(stmt, ast.CreateStmt):
        for elt in stmt.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                for con in elt.constraints or ():
                    if isinstance(con, ast.Constraint):
                        yield con, elt
            elif isinstance(elt, ast.Constraint):
                yield elt, None
    elif isinstance(stmt, ast.AlterTableStmt):
        for cmd in util.alter_cmds(stmt):
            d = cmd.def_
            if isinstance(d, ast.Constraint):
                yield d, None
            elif isinstance(d, ast.ColumnDef):
                for con in d.constraints or ():
                    if isinstance(con, ast.Constraint):
                        yield con, d


def statement_columns(stmt: ast.Node | None, catalog: CatalogView) -> list[str]:
    """Column names of the table a CreateStmt/AlterTableStmt defines or changes."""
    cols: list[str] = []
    if isinstance(stmt, ast.CreateStmt):
        cols = [
            e.colname for e in stmt.tableElts or () if isinstance(e, ast.ColumnDef) and e.colname
        ]
    elif isinstance(stmt, ast.AlterTableStmt) and isinstance(stmt.relation, ast.RangeVar):
        t = catalog.table(stmt.relation)
        cols = list(t.columns) if t is not None else []
        for cmd in util.alter_cmds(stmt):
            if isinstance(cmd.def_, ast.ColumnDef) and cmd.def_.colname:
                cols.append(cmd.def_.colname)
    return cols


# --- every name a statement defines ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Defined:
    """A name a statement defines."""

    kind: str  # table, view, materialized view, column, index, constraint, type, domain
    name: str
    node: ast.Node  # where to report
    owner: str | None = None  # the table (or type) a column/index/constraint belongs to
    embedded: tuple[str, ...] = ()  # names an index/constraint name may embed
    previous: str | None = None  # RENAME: the old name (a problem it already had is not new)

    def describe(self) -> str:
        own = f' of "{self.owner}"' if self.owner and self.kind == "column" else ""
        on = f' on "{self.owner}"' if self.owner and self.kind in ("index", "constraint") else ""
        return f'{self.kind} "{self.name}"{own}{on}'


DEFINING_NODES: tuple[type, ...] = (
    ast.CreateStmt,
    ast.AlterTableStmt,
    ast.IndexStmt,
    ast.ViewStmt,
    ast.CreateTableAsStmt,
    ast.CreateEnumStmt,
    ast.CompositeTypeStmt,
    ast.CreateDomainStmt,
    ast.CreateRangeStmt,
    ast.RenameStmt,
)


def _rel_kind(objtype: enums.ObjectType | None) -> str:
    if objtype == _OT.OBJECT_MATVIEW:
        return "materialized view"
    if objtype == _OT.OBJECT_VIEW:
        return "view"
    return "table"


def defined_names(node: ast.Node, catalog: CatalogView) -> Iterator[Defined]:
    """Every table, view, column, named index, named constraint and type ``node`` defines."""
    cat = catalog
    if isinstance(node, ast.CreateStmt):
        rel = node.relation
        if not isinstance(rel, ast.RangeVar) or not rel.relname:
            return
        if node.if_not_exists and cat.table(rel) is not None:
            return
        tname = rel.relname
        yield Defined("table", tname, rel)
        cols = statement_columns(node, cat)
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef) and elt.colname:
                yield Defined("column", elt.colname, elt, tname)
            for con in util.constraints_of(elt):
                if con.conname:
                    yield Defined("constraint", con.conname, con, tname, (tname, *cols))
    elif isinstance(node, ast.AlterTableStmt):
        rel = node.relation
        if not isinstance(rel, ast.RangeVar) or not rel.relname:
            return
        tname = rel.relname
        table = cat.table(rel)
        cols = statement_columns(node, cat)
        for cmd in util.alter_cmds(node):
            d = cmd.def_
            if cmd.subtype == _AT.AT_AddColumn and isinstance(d, ast.ColumnDef):
                if not d.colname:
                    continue
                if cmd.missing_ok and table is not None and d.colname in table.columns:
                    continue  # ADD COLUMN IF NOT EXISTS of a column that exists
                yield Defined("column", d.colname, d, tname)
                for con in d.constraints or ():
                    if isinstance(con, ast.Constraint) and con.conname:
                        yield Defined("constraint", con.conname, con, tname, (tname, *cols))
            elif (
                cmd.subtype == _AT.AT_AddConstraint and isinstance(d, ast.Constraint) and d.conname
            ):
                yield Defined("constraint", d.conname, d, tname, (tname, *cols))
    elif isinstance(node, ast.IndexStmt):
        rel = node.relation
        if not node.idxname or not isinstance(rel, ast.RangeVar):
            return
        if node.if_not_exists and cat.index(_qual(rel.schemaname, node.idxname)) is not None:
            return
        keys = [e.name for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.name]
        for e in node.indexParams or ():
            if isinstance(e, ast.IndexElem) and e.expr is not None:
                keys.extend(column_refs(e.expr))
        yield Defined("index", node.idxname, node, rel.relname, (rel.relname or "", *keys))
    elif isinstance(node, ast.ViewStmt):
        if isinstance(node.view, ast.RangeVar) and node.view.relname:
            if node.replace and cat.view(node.view) is not None:
                return  # CREATE OR REPLACE of a view that exists: not a new name
            yield Defined("view", node.view.relname, node.view)
    elif isinstance(node, ast.CreateTableAsStmt):
        into = node.into
        rel = into.rel if into is not None else None
        if isinstance(rel, ast.RangeVar) and rel.relname:
            if node.if_not_exists and cat.relation(rel) is not None:
                return
            yield Defined(_rel_kind(node.objtype), rel.relname, rel)
    elif isinstance(node, (ast.CreateEnumStmt, ast.CreateRangeStmt)):
        parts = util.names_of(node.typeName)
        if parts:
            yield Defined("type", parts[-1], node)
    elif isinstance(node, ast.CreateDomainStmt):
        parts = util.names_of(node.domainname)
        if parts:
            yield Defined("domain", parts[-1], node)
    elif isinstance(node, ast.CompositeTypeStmt):
        tv = node.typevar
        if isinstance(tv, ast.RangeVar) and tv.relname:
            yield Defined("type", tv.relname, tv)
            for cd in node.coldeflist or ():
                if isinstance(cd, ast.ColumnDef) and cd.colname:
                    yield Defined("column", cd.colname, cd, tv.relname)
    elif isinstance(node, ast.RenameStmt) and node.newname:
        yield from _renamed(node, cat)


def _renamed(node: ast.RenameStmt, cat: CatalogView) -> Iterator[Defined]:
    rt = node.renameType
    new = node.newname or ""
    rel = node.relation if isinstance(node.relation, ast.RangeVar) else None
    at = rel if rel is not None else node
    tname = rel.relname if rel is not None else None
    if rt in (_OT.OBJECT_TABLE, _OT.OBJECT_FOREIGN_TABLE, _OT.OBJECT_VIEW, _OT.OBJECT_MATVIEW):
        yield Defined(_rel_kind(rt), new, at, previous=tname)
    elif rt in (_OT.OBJECT_COLUMN, _OT.OBJECT_ATTRIBUTE):
        yield Defined("column", new, at, tname, previous=node.subname)
    elif rt == _OT.OBJECT_INDEX and rel is not None:
        ix = cat.index(_qual(rel.schemaname, rel.relname or ""))
        owner = ix.table.rpartition(".")[2] if ix is not None else None
        t = cat.table_by_name(ix.table) if ix is not None else None
        cols = tuple(t.columns) if t is not None else ()
        yield Defined("index", new, at, owner, (owner or "", *cols), previous=tname)
    elif rt == _OT.OBJECT_TABCONSTRAINT and rel is not None:
        t = cat.table(rel)
        cols = tuple(t.columns) if t is not None else ()
        yield Defined("constraint", new, at, tname, (tname or "", *cols), previous=node.subname)
    elif rt in (_OT.OBJECT_TYPE, _OT.OBJECT_DOMAIN):
        old = util.names_of(node.object)
        yield Defined(
            "type" if rt == _OT.OBJECT_TYPE else "domain",
            new,
            node,
            previous=old[-1] if old else None,
        )


# --- letter case -------------------------------------------------------------------------------

#: the kind of name whose case a declaration shows
CASE_KIND = {
    "table": "table",
    "view": "table",
    "materialized view": "table",
    "column": "column",
    "type": "type",
    "domain": "type",
}
_CASES = (
    ("snake", re.compile(r"[a-z_][a-z0-9_]*_[a-z0-9_]*")),
    ("neutral", re.compile(r"[a-z][a-z0-9]*")),
    ("PascalCase", re.compile(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")),
    ("camelCase", re.compile(r"[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*")),
)


def case_style(name: str) -> str:
    """``snake`` (lower case with ``_``), ``neutral`` (one lower-case word: fits any style),
    ``PascalCase``, ``camelCase``, or ``other``."""
    for style, pattern in _CASES:
        if pattern.fullmatch(name):
            return style
    return "other"


class CaseEvidence:
    """How many table, column and type names of each letter case a run declared, overall and
    per table for columns, with up to two examples of each (the catalog keeps one up to date,
    so that the names themselves need not be kept: see declared.Ledger)."""

    __slots__ = ("columns", "examples", "kinds")

    def __init__(self) -> None:
        self.kinds: dict[str, Counter[str]] = {
            "table": Counter(),
            "column": Counter(),
            "type": Counter(),
        }
        self.columns: dict[str, Counter[str]] = {}
        self.examples: dict[tuple[str, str], list[str]] = {}

    def add(self, kind: str, name: str, table: str) -> None:
        """Count one declared name of a CASE_KIND kind."""
        case_kind = CASE_KIND[kind]
        style = case_style(name)
        self.kinds[case_kind][style] += 1
        seen = self.examples.setdefault((case_kind, style), [])
        if len(seen) < 2 and name not in seen:
            seen.append(name)
        if case_kind == "column" and table:
            per_table = self.columns.get(table)
            if per_table is None:
                per_table = self.columns[table] = Counter()
            per_table[style] += 1

    @classmethod
    def of(cls, defs: Iterable[NameDef]) -> CaseEvidence:
        out = cls()
        for d in defs:
            if d.kind in CASE_KIND:
                out.add(d.kind, d.name, d.table)
        return out


# --- the catalog's ledger of declared names --------------------------------------------------

#: the kinds of index and constraint :class:`NameDef` (the naming template kinds and index)
OBJECT_KINDS = ("primary-key", "foreign-key", "unique", "check", "exclusion", "index")
#: the other kinds: tables, views, columns, types, and renames of constraints
PLAIN_KINDS = ("table", "view", "materialized view", "column", "type", "domain", "constraint")


@dataclass(frozen=True, slots=True)
class NameDef:
    """One name as a statement declared it (or PostgreSQL generated it, for an unnamed index
    or constraint).

    ``table`` is the owning table's bare name when the statement ran (a later rename of the
    table does not change what the author wrote; "" for tables and types themselves);
    ``shown`` is how the statement wrote it (``schema.table`` or ``table``), for messages.
    ``columns`` are an index's or constraint's key columns (expression keys as a hint such as
    ``lower_email``). ``start`` locates the declaration in its file (the constraint clause, the
    column definition...), None for the whole statement ``loc``.
    """

    kind: str  # one of OBJECT_KINDS or PLAIN_KINDS
    name: str  # as written, or the generated name when not explicit
    explicit: bool
    table: str
    shown: str
    columns: tuple[str, ...] = ()
    expression: bool = False  # some key is an expression
    ref_table: str | None = None  # foreign key: bare name of the referenced table
    ref_shown: str | None = None  # ... as the statement wrote it
    ref_columns: tuple[str, ...] = ()
    self_reference: bool = False  # foreign key to its own table
    unique: bool = False  # index: UNIQUE
    variant: bool = False  # index: partial or not b-tree (may carry a distinguishing suffix)
    rename: bool = False  # ALTER INDEX ... RENAME TO
    constraint_index: bool = False  # rename of an index that a constraint owns
    pk_is_fk: bool = False  # primary key: its single column is a foreign key of the table
    schema: str | None = None  # the schema as written (None: unqualified)
    embedded: tuple[str, ...] = ()  # table and column names the name may repeat
    previous: str | None = None  # a rename: the old name
    loc: Loc | None = None  # the statement
    start: int | None = None  # where to report (absolute offset), None: the statement
    context: bool = False  # declared in a --context file or a live database

    def __reduce__(self) -> tuple[type[NameDef], tuple[Any, ...]]:
        # pickled as a call with the fields in order, like Loc (see there)
        return (NameDef, tuple([getattr(self, name) for name in _NAMEDEF_FIELDS]))


_NAMEDEF_FIELDS = tuple(NameDef.__dataclass_fields__)
_SNAKE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_KEYWORDS = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS


def worth_judging(name: str) -> bool:
    """Whether a naming rule may report a table, column or type name: not lower snake_case,
    or a keyword."""
    return _SNAKE_NAME.fullmatch(name) is None or name in _KEYWORDS


class Ledger:
    """The catalog's record of the names the replayed statements declared.

    Every index and constraint name is kept (the evidence of house-style inference, and what
    naming-constraint and naming-index judge). Table, column and type names are counted by
    letter case (:class:`CaseEvidence`) and kept only when a naming
    rule may report them (:func:`worth_judging`): a 50 MB dump declares half a million
    snake_case columns. ``version`` changes with every name recorded.
    """

    __slots__ = ("cases", "entries", "version")

    def __init__(self) -> None:
        self.entries: list[NameDef] = []
        self.cases = CaseEvidence()
        self.version = 0

    def add(self, d: NameDef) -> None:
        self.version += 1
        if d.kind in CASE_KIND:
            self.cases.add(d.kind, d.name, d.table)
            if not worth_judging(d.name) and (d.previous is None or not worth_judging(d.previous)):
                return
        self.entries.append(d)

    def __iter__(self) -> Iterator[NameDef]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: slice) -> list[NameDef]:
        return self.entries[index]


def name_definitions(
    node: ast.Node, catalog: CatalogView, loc: Loc, base: int | None, context: bool
) -> list[NameDef]:
    """Every name ``node`` declares, for the catalog's ledger. Call it *before* the catalog
    applies ``node``. ``base`` is the offset the node's locations are relative to (None when
    they are not exact: the statement is reported instead)."""
    out: list[NameDef] = []
    for d in defined_names(node, catalog):
        if d.kind in ("index", "constraint") and d.previous is None:
            continue  # created: recorded below, with what their name may be made of
        if d.kind == "index":
            continue  # renamed: recorded below
        owner = d.owner or ""
        out.append(
            NameDef(
                kind=d.kind,
                name=d.name,
                explicit=True,
                table=owner,
                shown=owner,
                embedded=d.embedded,
                previous=d.previous,
                loc=loc,
                start=None if d.node is node else _offset(d.node, base, loc),
                context=context,
            )
        )
    if isinstance(node, (ast.CreateStmt, ast.AlterTableStmt)):
        _constraint_defs(node, catalog, loc, base, context, out)
    elif isinstance(node, ast.IndexStmt):
        _index_def(node, catalog, loc, context, out)
    elif isinstance(node, ast.RenameStmt) and node.renameType == _OT.OBJECT_INDEX:
        _index_rename_def(node, catalog, loc, context, out)
    return out


def _offset(node: ast.Node, base: int | None, loc: Loc) -> int | None:
    if base is None:
        return None
    rel = getattr(node, "location", None)
    if not isinstance(rel, int) or rel < 0:
        return None
    off = base + rel
    return off if loc.start <= off <= loc.end else None


def _constraint_defs(
    stmt: ast.CreateStmt | ast.AlterTableStmt,
    catalog: CatalogView,
    loc: Loc,
    base: int | None,
    context: bool,
    out: list[NameDef],
) -> None:
    infos = [
        info
        for con, coldef in table_constraints(stmt)
        if (info := constraint_info(con, stmt, coldef, catalog)) is not None
    ]
    if not infos:
        return
    embedded: list[tuple[str, ...]] = []  # what a non-snake_case name may repeat (made once)

    def _embedded() -> tuple[str, ...]:
        if not embedded:
            embedded.append((infos[0].table, *statement_columns(stmt, catalog)))
        return embedded[0]

    fk_columns = {
        info.columns[0] for info in infos if info.kind == "foreign-key" and len(info.columns) == 1
    }
    if isinstance(stmt, ast.AlterTableStmt) and isinstance(stmt.relation, ast.RangeVar):
        for fk in catalog.foreign_keys(catalog.table(stmt.relation)):
            if len(fk.columns) == 1:
                fk_columns.add(fk.columns[0])
    for info in infos:
        ref_shown = util.rv_name(info.ref_rel) if info.ref_rel is not None else None
        out.append(
            NameDef(
                kind=info.kind,
                name=info.name if info.name is not None else info.generated_name(),
                explicit=info.name is not None,
                table=shared(info.table),
                shown=shared(info.table if not info.rel.schemaname else util.rv_name(info.rel)),
                columns=tuple([shared(c) for c in info.columns]),
                expression=info.expression_keys,
                ref_table=info.ref_table,
                ref_shown=info.ref_table
                if info.ref_rel is not None and not info.ref_rel.schemaname
                else ref_shown,
                ref_columns=tuple(info.ref_columns),
                self_reference=info.ref_rel is not None and _same_rel(info.ref_rel, info.rel),
                pk_is_fk=info.kind == "primary-key"
                and len(info.columns) == 1
                and info.columns[0] in fk_columns,
                schema=info.rel.schemaname or None,
                embedded=_embedded() if info.name is not None and worth_judging(info.name) else (),
                loc=loc,
                start=_offset(info.node, base, loc),
                context=context,
            )
        )


def _index_def(
    node: ast.IndexStmt, catalog: CatalogView, loc: Loc, context: bool, out: list[NameDef]
) -> None:
    rel = node.relation
    if not isinstance(rel, ast.RangeVar) or not rel.relname:
        return
    if (
        node.if_not_exists
        and node.idxname
        and catalog.index(_qual(rel.schemaname, node.idxname)) is not None
    ):
        return  # IF NOT EXISTS of an index that exists: a no-op
    cols: list[str] = []
    expression = False
    for e in node.indexParams or ():
        if not isinstance(e, ast.IndexElem):
            continue
        if e.name:
            cols.append(e.name)
        else:
            expression = True
            cols.append(expr_hint(e.expr) if e.expr is not None else "expr")
    keys = [e.name for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.name]
    for e in node.indexParams or ():
        if isinstance(e, ast.IndexElem) and e.expr is not None:
            keys.extend(column_refs(e.expr))
    name = node.idxname
    explicit = bool(name)
    if not name:
        name = make_object_name(rel.relname, "_".join(cols) or None, "idx")
    out.append(
        NameDef(
            kind="index",
            name=name,
            explicit=explicit,
            table=shared(rel.relname),
            shown=shared(rel.relname if not rel.schemaname else util.rv_name(rel)),
            columns=tuple([shared(c) for c in cols]),
            expression=expression,
            unique=bool(node.unique),
            # a partial or non-btree index may add a suffix: two can cover the same columns
            variant=node.whereClause is not None or (node.accessMethod or "btree") != "btree",
            schema=rel.schemaname or None,
            embedded=(rel.relname, *keys) if explicit and worth_judging(name) else (),
            loc=loc,
            start=None,
            context=context,
        )
    )


def _index_rename_def(
    node: ast.RenameStmt, catalog: CatalogView, loc: Loc, context: bool, out: list[NameDef]
) -> None:
    rel = node.relation
    if not node.newname or not isinstance(rel, ast.RangeVar) or not rel.relname:
        return
    ix = catalog.index(_qual(rel.schemaname, rel.relname))
    if ix is None:
        return
    cols: list[str] = []
    expression = False
    for k in ix.keys:
        if k.column:
            cols.append(k.column)
        else:
            expression = True
            cols.append("expr")
    schema, _, table = ix.table.rpartition(".")
    shown_schema = schema if schema and schema != "public" else None
    t = catalog.table_by_name(ix.table)
    out.append(
        NameDef(
            kind="index",
            name=node.newname,
            explicit=True,
            table=table,
            shown=_qual(shown_schema, table),
            columns=tuple(cols),
            expression=expression,
            unique=ix.unique,
            variant=ix.predicate is not None or ix.method != "btree",
            rename=True,
            constraint_index=ix.constraint is not None,
            schema=shown_schema,
            embedded=(table, *(t.columns if t is not None else ())),
            previous=rel.relname,
            loc=loc,
            start=None,
            context=context,
        )
    )
