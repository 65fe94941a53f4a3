"""Helpers shared by the naming rules (naming-snake-case, naming-reserved-word,
naming-primary-key-column, naming-foreign-key-column, naming-constraint, naming-index).

The naming rules look at *definitions* only: the statement that creates (or renames) a table,
column, index, constraint or type. A name is reported once, where it is defined, never again
where an index, constraint or query refers to it; that keeps Prisma-style schemas (quoted
CamelCase everywhere) at one finding per offending object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pgarch_lint.api import (
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
    Context,
    ast,
    enums,
    make_object_name,
    per_statement,
    util,
    walk,
)

NAMEDATALEN = 63  # PostgreSQL truncates identifiers to 63 bytes

# --- case ------------------------------------------------------------------------------------

_SNAKE = re.compile(r"[a-z_][a-z0-9_]*")


def is_snake(name: str) -> bool:
    """Lower snake_case: what PostgreSQL folds unquoted identifiers to (no ``$``)."""
    return _SNAKE.fullmatch(name) is not None


def to_snake(name: str) -> str:
    """``UserProfile`` → ``user_profile``, ``HTTPRequest`` → ``http_request``, ``userId`` →
    ``user_id``; other characters become ``_``."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9_]+", "_", s).lower()
    if s and s[0].isdigit():
        s = "_" + s
    return s or "_"


def derived_is_snake(name: str, embedded: tuple[str, ...]) -> bool:
    """Whether ``name`` is snake_case once the (possibly non-snake) table and column names it
    embeds are taken out: ``"User_email_key"`` is not re-reported for the table "User"."""
    if is_snake(name):
        return True
    rest = name
    for e in sorted({e for e in embedded if e and not is_snake(e)}, key=len, reverse=True):
        rest = rest.replace(e, "x")
    return is_snake(rest)


# --- keywords --------------------------------------------------------------------------------

KEYWORD_KIND: Mapping[str, str] = {
    **{k: "type/function-name keyword" for k in TYPE_FUNC_NAME_KEYWORDS},
    **{k: "reserved keyword" for k in RESERVED_KEYWORDS},
}


# --- singular forms --------------------------------------------------------------------------

_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "teeth": "tooth",
    "feet": "foot",
    "criteria": "criterion",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "analyses": "analysis",
    "theses": "thesis",
    "crises": "crisis",
    "data": "datum",
    "media": "medium",
}
_INVARIANT = ("series", "species", "news", "status", "address", "analysis", "bus", "class",
              "process", "access", "canvas", "alias", "campus", "census")


def singular_forms(word: str) -> list[str]:
    """Plausible singulars of a (snake_case) table name, most likely first. The last word is
    singularised (``order_items`` → ``order_item``); ambiguous endings give several forms
    (``databases`` → ``database``, ``databas``); a name that does not look plural is its own
    singular, and so is an irregular plural (``people``)."""
    head, sep, last = word.rpartition("_")
    prefix = head + sep
    forms: list[str] = []
    if last in _IRREGULAR:
        forms.append(_IRREGULAR[last])
    elif last.endswith(_INVARIANT) or last.endswith(("ss", "us", "is")):
        pass
    elif last.endswith("ies") and len(last) > 4:
        forms += [last[:-3] + "y", last[:-1]]  # categories, movies
    elif last.endswith(("sses", "uses", "xes", "ches", "shes", "zzes", "ases", "oes")):
        forms += [last[:-2], last[:-1]]  # addresses, statuses, boxes, aliases / databases
    elif last.endswith("ves") and len(last) > 4:
        forms += [last[:-1], last[:-3] + "f", last[:-3] + "fe"]  # moves, leaves, knives
    elif last.endswith("s") and len(last) > 1:
        forms.append(last[:-1])
    out = [prefix + f for f in forms if f]
    if not out or last in _IRREGULAR:
        out.append(word)  # already singular (`user`, `status`), or irregular (`people`)
    return list(dict.fromkeys(out))


def trailing_forms(word: str) -> list[str]:
    """Singular forms plus their trailing word runs: a table with a module prefix
    (``oauth_clients``, ``v1_tasks``) may be referenced as ``client_id`` / ``task_id``."""
    out: list[str] = []
    for s in singular_forms(word):
        parts = s.split("_")
        out.extend("_".join(parts[i:]) for i in range(len(parts)) if parts[i])
    return list(dict.fromkeys(out))


# --- templates -------------------------------------------------------------------------------

_PH = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class NameSpec:
    """The values a template is filled with; ``loose`` placeholders accept any text."""

    values: Mapping[str, str]
    loose: frozenset[str] = frozenset()
    hints: Mapping[str, str] = field(default_factory=dict)  # shown instead of loose values


def render(template: str, spec: NameSpec) -> str:
    """The name a template asks for (loose placeholders shown as a hint like ``<name>``)."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in spec.hints:
            return spec.hints[key]
        if key in spec.loose:
            return f"<{key}>"
        return spec.values.get(key, f"<{key}>")

    return _PH.sub(sub, template)


def _pattern(template: str, spec: NameSpec, loose: frozenset[str], suffix: bool) -> str:
    out = []
    pos = 0
    for m in _PH.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        key = m.group(1)
        if key in loose or key not in spec.values:
            out.append(".+")
        else:
            out.append(re.escape(spec.values[key]))
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return "".join(out) + ("(?:_.+)?" if suffix else "")


def follows(template: str, name: str, spec: NameSpec, *, suffix: bool = False) -> bool:
    """Whether ``name`` follows ``template``. ``suffix`` also accepts ``<expected>_<more>``
    (two foreign keys to one table, two partial indexes on one column need distinct names).
    When the full name would pass PostgreSQL's 63-byte limit, every placeholder is loose
    (PostgreSQL truncates, people abbreviate)."""
    placeholders = _PH.findall(template)
    if all(k in spec.values and k not in spec.loose for k in placeholders):
        # no wildcard: a plain comparison (compiling a regex per name thrashes re's cache)
        exact = _PH.sub(lambda m: spec.values[m.group(1)], template)
        if name == exact or (suffix and name.startswith(exact + "_") and len(name) > len(exact) + 1):
            return True
    elif re.fullmatch(_pattern(template, spec, spec.loose, suffix), name, re.DOTALL):
        return True
    full = _PH.sub(lambda m: spec.values.get(m.group(1), "x"), template)
    if len(full.encode()) > NAMEDATALEN:
        if name.encode() == full.encode()[:NAMEDATALEN]:
            return True  # what PostgreSQL keeps of the full name
        every = frozenset(m.group(1) for m in _PH.finditer(template))
        return re.fullmatch(_pattern(template, spec, every, True), name, re.DOTALL) is not None
    return False


# --- what a statement defines ----------------------------------------------------------------

_CT = enums.ConstrType
CONSTRAINT_KINDS: Mapping[Any, tuple[str, str]] = {
    # contype → (template kind, label)
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


def column_refs(expr: Any) -> list[str]:
    """Column names an expression mentions, in order, without duplicates."""
    out: list[str] = []
    for n, _ in walk(expr):
        if isinstance(n, ast.ColumnRef) and n.fields:
            last = n.fields[-1]
            if isinstance(last, ast.String) and last.sval and last.sval not in out:
                out.append(last.sval)
    return out


def expr_hint(expr: Any) -> str:
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
    statement: Any = None  # the CreateStmt / AlterTableStmt

    def spec(self) -> NameSpec:
        values = {"table": self.table, "columns": "_".join(self.columns)}
        loose = {"name"}
        hints: dict[str, str] = {}
        if self.expression_keys or not self.columns:
            loose.add("columns")
            hints["columns"] = "_".join(self.columns) or "<columns>"
        if self.ref_table is not None:
            values["ref_table"] = self.ref_table
            if self.ref_columns:
                values["ref_columns"] = "_".join(self.ref_columns)
            else:
                loose.add("ref_columns")
        if self.kind == "check":
            hints["name"] = self.columns[0] if self.columns else "<name>"
        return NameSpec(values, frozenset(loose), hints)

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


def owner_statement(parents: tuple[Any, ...]) -> tuple[Any, ast.ColumnDef | None]:
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


@per_statement
def constraint_info(node: ast.Constraint, ctx: Context) -> ConstraintInfo | None:
    """Describe a PK/FK/UNIQUE/CHECK/EXCLUDE table constraint, or None for anything else
    (NOT NULL, DEFAULT, domain constraints, a table the statement skips)."""
    kinds = CONSTRAINT_KINDS.get(node.contype)
    if kinds is None:
        return None
    stmt, coldef = owner_statement(ctx.parents)
    if stmt is None or not isinstance(stmt.relation, ast.RangeVar):
        return None
    rel = stmt.relation
    if isinstance(stmt, ast.CreateStmt) and stmt.if_not_exists and ctx.catalog.table(rel):
        return None  # CREATE TABLE IF NOT EXISTS of a table that exists: a no-op
    kind, label = kinds
    info = ConstraintInfo(
        node=node, kind=kind, label=label, name=node.conname or None, table=rel.relname or "",
        rel=rel, columns=[], statement=stmt,
    )
    inline = [coldef.colname] if coldef is not None and coldef.colname else []
    if kind in ("primary-key", "unique"):
        info.columns = _strs(node.keys) or inline
        if not info.columns and node.indexname:
            ix = ctx.catalog.index(
                f"{rel.schemaname}.{node.indexname}" if rel.schemaname else node.indexname
            )
            if ix is not None:
                info.columns = [k.column or "expr" for k in ix.keys]
                info.expression_keys = any(k.column is None for k in ix.keys)
    elif kind == "foreign-key":
        info.columns = _strs(node.fk_attrs) or inline
        info.ref_rel = node.pktable
        info.ref_table = node.pktable.relname if node.pktable is not None else None
        info.ref_columns = _strs(node.pk_attrs)
        if not info.ref_columns and node.pktable is not None:
            ref = ctx.catalog.table(node.pktable)
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


def _strs(items: Any) -> list[str]:
    return [s.sval for s in items or () if isinstance(s, ast.String) and s.sval]


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


@per_statement
def statement_columns(stmt: Any, ctx: Context) -> list[str]:
    """Column names of the table a CreateStmt/AlterTableStmt defines or changes."""
    cols: list[str] = []
    if isinstance(stmt, ast.CreateStmt):
        cols = [e.colname for e in stmt.tableElts or () if isinstance(e, ast.ColumnDef) and e.colname]
    elif isinstance(stmt, ast.AlterTableStmt) and isinstance(stmt.relation, ast.RangeVar):
        t = ctx.catalog.table(stmt.relation)
        cols = list(t.columns) if t is not None else []
        for cmd in util.alter_cmds(stmt):
            if isinstance(cmd.def_, ast.ColumnDef) and cmd.def_.colname:
                cols.append(cmd.def_.colname)
    return cols


@dataclass(frozen=True, slots=True)
class Defined:
    """A name a statement defines."""

    kind: str  # table, view, materialized view, column, index, constraint, type
    name: str
    node: Any  # where to report
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

_OT = enums.ObjectType


def _rel_kind(objtype: Any) -> str:
    if objtype == _OT.OBJECT_MATVIEW:
        return "materialized view"
    if objtype == _OT.OBJECT_VIEW:
        return "view"
    return "table"


@per_statement
def defined_names(node: Any, ctx: Context) -> tuple[Defined, ...]:
    """Every table, view, column, index, constraint and type name ``node`` defines."""
    return tuple(_defined_names(node, ctx))


def _defined_names(node: Any, ctx: Context) -> Iterator[Defined]:
    cat = ctx.catalog
    if isinstance(node, ast.CreateStmt):
        rel = node.relation
        if not isinstance(rel, ast.RangeVar) or not rel.relname:
            return
        if node.if_not_exists and cat.table(rel) is not None:
            return
        tname = rel.relname
        yield Defined("table", tname, rel)
        cols = statement_columns(node, ctx)
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
        cols = statement_columns(node, ctx)
        for cmd in util.alter_cmds(node):
            d = cmd.def_
            if cmd.subtype == enums.AlterTableType.AT_AddColumn and isinstance(d, ast.ColumnDef):
                if not d.colname:
                    continue
                if cmd.missing_ok and table is not None and d.colname in table.columns:
                    continue  # ADD COLUMN IF NOT EXISTS of a column that exists
                yield Defined("column", d.colname, d, tname)
                for con in d.constraints or ():
                    if isinstance(con, ast.Constraint) and con.conname:
                        yield Defined("constraint", con.conname, con, tname, (tname, *cols))
            elif (
                cmd.subtype == enums.AlterTableType.AT_AddConstraint
                and isinstance(d, ast.Constraint)
                and d.conname
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
        yield from _renamed(node, ctx)


def _qual(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _renamed(node: ast.RenameStmt, ctx: Context) -> Iterator[Defined]:
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
        ix = ctx.catalog.index(_qual(rel.schemaname, rel.relname or ""))
        owner = ix.table.rpartition(".")[2] if ix is not None else None
        t = ctx.catalog.table_by_name(ix.table) if ix is not None else None
        cols = tuple(t.columns) if t is not None else ()
        yield Defined("index", new, at, owner, (owner or "", *cols), previous=tname)
    elif rt == _OT.OBJECT_TABCONSTRAINT and rel is not None:
        t = ctx.catalog.table(rel)
        cols = tuple(t.columns) if t is not None else ()
        yield Defined("constraint", new, at, tname, (tname or "", *cols), previous=node.subname)
    elif rt in (_OT.OBJECT_TYPE, _OT.OBJECT_DOMAIN):
        old = util.names_of(node.object)
        yield Defined(
            "type" if rt == _OT.OBJECT_TYPE else "domain", new, node,
            previous=old[-1] if old else None,
        )
