"""Put the schema in dependency order and write it out (:func:`schema_sql`).

Order: settings; roles; schemas; extensions; default privileges; types (each after the types
it is built from); routines whose signature names no table; sequences; tables (parents before
partitions and inheritance children) with their comments, owners, row-level security and the
fix-ups that give serial and identity sequences their recorded names; routines whose signature
names a table; indexes; constraints added by ``ALTER TABLE`` (over an existing index first,
then ``NOT VALID`` ones and foreign keys); ``OWNED BY`` of sequences; views and materialized
views (each after the views it reads); routines with an SQL-standard body; index partitions;
policies; grants; then the statements the catalog does not model
(:mod:`pgarch_lint.schema_sql.unmodelled`). Within a group objects are sorted by schema and
name, so the file only changes where the schema does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

import pgarch_lint.schema_sql.objects as objects
import pgarch_lint.schema_sql.tables as tables
from pgarch_lint.catalog import Column, Function, Grant, Index, Loc, Table, Tracked, TypeDef
from pgarch_lint.catalog.names import DEFAULT_SEARCH_PATH, make_object_name, split_qualified
from pgarch_lint.catalog.objects import copy_column
from pgarch_lint.schema_sql.recorder import SchemaRecorder
from pgarch_lint.schema_sql.sqltext import ident, literal, qualified
from pgarch_lint.schema_sql.unmodelled import unmodelled_statements
from pgarch_lint.sql import ast, walk

__all__ = ["prerequisites", "schema_sql"]

T = TypeVar("T")
_RULE = "-- " + "=" * 76
_TYPE_BASE = re.compile(r"^(?:setof )?(.+?)(?:\([^()]*\))?(?:%type)?(?:\[\])*$")


class _Out:
    """The file being written, with the search_path it has set."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.path: tuple[str, ...] | None = None

    def section(self, title: str, *more: str) -> None:
        self.add("", _RULE, f"-- {title}", *(f"-- {m}" for m in more), _RULE, "")

    def add(self, *stmts: str) -> None:
        for s in stmts:
            if s or (self.lines and self.lines[-1]):  # never two blank lines in a row
                self.lines.append(s)

    def set_path(self, path: tuple[str, ...]) -> None:
        if path != self.path:
            value = ", ".join(ident(s) for s in path) if path else "''"
            self.lines.append(f"SET search_path = {value};")
            self.path = path


def schema_sql(
    cat: SchemaRecorder, text_of: Callable[[Loc], str], line_of: Callable[[Loc], int]
) -> str:
    """The catalog as one SQL file (see the module docstring)."""
    w = _Writer(cat)
    w.write(text_of, line_of)
    return "\n".join(w.out.lines).strip("\n") + "\n"


def _sorted(items: Iterable[T], key: Callable[[T], tuple[str, ...]]) -> list[T]:
    return sorted(items, key=key)


def _topo(items: list[T], name: Callable[[T], str], deps: Callable[[T], Iterable[str]]) -> list[T]:
    """``items`` (already sorted) with each after the ones it depends on (cycles: as given)."""
    by_name = {name(i): i for i in items}
    done: set[str] = set()
    out: list[T] = []

    def visit(i: T, stack: set[str]) -> None:
        n = name(i)
        if n in done or n in stack:
            return
        stack.add(n)
        for d in deps(i):
            if d in by_name:
                visit(by_name[d], stack)
        stack.discard(n)
        done.add(n)
        out.append(i)

    for i in items:
        visit(i, set())
    return out


class _Writer:
    def __init__(self, cat: SchemaRecorder) -> None:
        self.cat = cat
        self.out = _Out()
        schemas = set(cat.schemas)
        schemas |= {t.schema for t in cat.tables()} | {v.schema for v in cat.views()}
        schemas |= {s.schema for s in cat.sequences()} | {t.schema for t in cat.types()}
        schemas |= {f.schema for f in cat.functions()}
        final = tuple(cat.search_path)
        self.path = final + tuple(sorted(schemas - set(final)))
        every = _sorted(cat.tables(), lambda t: (t.schema, t.name))
        # temporary tables belong to the session that made them, not to the schema
        self.tables = [t for t in every if t.persistence != "temporary"]
        self.temporary = [t for t in every if t.persistence == "temporary"]
        views = cat.views()
        self.rel_names = {t.name for t in self.tables} | {t.qualified for t in self.tables}
        self.rel_names |= {v.name for v in views} | {v.qualified for v in views}

    # --- the whole file ------------------------------------------------------------------------

    def write(self, text_of: Callable[[Loc], str], line_of: Callable[[Loc], int]) -> None:
        cat, out = self.cat, self.out
        out.add(
            "-- The schema replayed from the migration history, written by pgarch-lint",
            "-- (pgarch-lint schema --format sql). Objects are in dependency order and sorted",
            "-- by name; the statements the linter's catalog does not model come last.",
        )
        self._prerequisites()
        out.add("", "SET check_function_bodies = false;", "SET client_min_messages = warning;")
        out.set_path(self.path)
        self._roles()
        self._schemas_and_extensions()
        grants = [g for g in cat.grants if self._grant_applies(g)]
        defaults = [g for g in grants if g.default_privileges]
        if defaults:
            out.section("Default privileges")
            out.add(*(objects.grant_sql(g) for g in defaults))
        self._types()
        funcs = _sorted(cat.functions(), lambda f: (f.schema, f.name, *f.argtypes))
        late = [f for f in funcs if self._needs_relations(f)]
        last = [f for f in funcs if self._body_reads_relations(f)]
        first = [f for f in funcs if f not in late and f not in last]
        # SQL-standard bodies are checked when created: after the routines they call
        first = [f for f in first if self._sql_body(f) is None] + _topo(
            [f for f in first if self._sql_body(f) is not None],
            lambda f: f.signature,
            lambda f: [g.signature for n in self._calls(f) for g in funcs if g.name == n],
        )
        self._routines("Routines", first)
        self._sequences()
        self._tables()
        self._routines("Routines that name a table", [f for f in late if f not in last])
        self._indexes()
        self._later_constraints()
        self._sequence_owners()
        self._views()
        self._routines("Routines whose SQL-standard body reads a relation", last)
        self._index_partitions()
        self._policies()
        others = [g for g in grants if not g.default_privileges]
        if others:
            out.section("Grants")
            out.add(*(objects.grant_sql(g) for g in others))
        self._unmodelled(text_of, line_of)
        out.add("")
        final = tuple(cat.search_path)
        if final == DEFAULT_SEARCH_PATH:
            out.add("RESET search_path;")
        else:
            out.path = None
            out.set_path(final)

    def _prerequisites(self) -> None:
        roles, missing = prerequisites(self.cat)
        if roles or missing:
            self.out.add(
                "--", "-- Before applying it, create what it refers to but does not create:"
            )
            if roles:
                self.out.add(f"--   roles: {', '.join(roles)}")
            if missing:
                self.out.add(f"--   objects: {', '.join(missing)}")

    # --- roles, schemas, extensions ------------------------------------------------------------

    def _roles(self) -> None:
        cat, out = self.cat, self.out
        if not cat.roles:
            return
        out.section("Roles (cluster-wide: created only where missing; no password is written)")
        for name in sorted(cat.roles):
            r = cat.roles[name]
            d = cat.definition(r)
            out.add(objects.create_role(r, d[0] if d else None))
            if r.comment:
                out.add(objects.comment_sql("ROLE", ident(name), r.comment))
        for name in sorted(cat.roles):
            for parent in cat.roles[name].member_of:
                out.add(objects.role_membership(parent, name))

    def _schemas_and_extensions(self) -> None:
        cat, out = self.cat, self.out
        if cat.schemas:
            out.section("Schemas")
        for name in sorted(cat.schemas):
            s = cat.schemas[name]
            text = f"CREATE SCHEMA IF NOT EXISTS {ident(name)}"
            if s.owner:
                text += f" AUTHORIZATION {ident(s.owner)}"
            out.add(text + ";")
            if s.comment:
                out.add(objects.comment_sql("SCHEMA", ident(name), s.comment))
        if cat.extensions:
            out.section("Extensions")
        for name in sorted(cat.extensions):
            e = cat.extensions[name]
            text = f"CREATE EXTENSION IF NOT EXISTS {ident(name)}"
            if e.schema:
                text += f" WITH SCHEMA {ident(e.schema)}"
            if e.version:
                text += f" VERSION {literal(e.version)}"
            out.add(text + ";")
            if e.comment:
                out.add(objects.comment_sql("EXTENSION", ident(name), e.comment))

    # --- types, routines, sequences ----------------------------------------------------------------

    def _types(self) -> None:
        cat, out = self.cat, self.out
        types = _sorted(cat.types(), lambda t: (t.schema, t.name))
        if not types:
            return
        names: dict[str, str] = {}
        for ty in types:
            names.setdefault(ty.name, ty.qualified)
            names[ty.qualified] = ty.qualified

        def deps(ty: TypeDef) -> list[str]:
            used = [ty.base_type or ""] + [a.type for a in ty.attributes]
            return [names[b] for u in used if (b := _base(u)) in names]

        out.section("Types and domains")
        for ty in _topo(types, lambda t: t.qualified, deps):
            d = cat.definition(ty)
            out.add(*objects.create_type(ty, d[0] if d else None))
            word = "DOMAIN" if ty.kind == "domain" else "TYPE"
            self._owner_comment(ty, word, qualified(ty.schema, ty.name))
            for c in sorted(ty.constraints.values(), key=lambda c: c.name):
                if c.comment:
                    target = f"{ident(c.name)} ON DOMAIN {qualified(ty.schema, ty.name)}"
                    out.add(objects.comment_sql("CONSTRAINT", target, c.comment))

    def _needs_relations(self, f: Function) -> bool:
        return any(
            "%type" in t or _base(t) in self.rel_names for t in (*f.argtypes, f.returns or "")
        )

    def _sql_body(self, f: Function) -> object:
        d = self.cat.definition(f)
        return d[0].sql_body if d is not None and isinstance(d[0], ast.CreateFunctionStmt) else None

    def _body_reads_relations(self, f: Function) -> bool:
        body = self._sql_body(f)
        return body is not None and any(isinstance(n, ast.RangeVar) for n, _ in walk(body))

    def _calls(self, f: Function) -> list[str]:
        body = self._sql_body(f)
        if body is None:
            return []
        return [
            str(getattr(n.funcname[-1], "sval", ""))
            for n, _ in walk(body)
            if isinstance(n, ast.FuncCall) and n.funcname
        ]

    def _routines(self, title: str, funcs: list[Function]) -> None:
        if not funcs:
            return
        out = self.out
        out.section(title)
        for f in funcs:
            d = self.cat.definition(f)
            out.add(objects.create_routine(f, d[0] if d else None))
            out.add(*objects.alter_routine(f, objects.as_defined(*d) if d else None))
            kind = "PROCEDURE" if f.procedure else "FUNCTION"
            self._owner_comment(f, kind, objects.routine_ref(f))

    def _sequences(self) -> None:
        seqs = [s for s in self.cat.sequences() if not s.implicit]
        if not seqs:
            return
        self.out.section("Sequences")
        for s in _sorted(seqs, lambda s: (s.schema, s.name)):
            self.out.add(*objects.create_sequence(s))
            self._owner_comment(s, "SEQUENCE", qualified(s.schema, s.name))

    def _sequence_owners(self) -> None:
        lines = []
        for s in _sorted(self.cat.sequences(), lambda s: (s.schema, s.name)):
            if s.owned_by and not s.implicit:
                tq, _, col = s.owned_by.rpartition(".")
                lines.append(
                    f"ALTER SEQUENCE {qualified(s.schema, s.name)} OWNED BY "
                    f"{tables.rel_name(tq)}.{ident(col)};"
                )
        if lines:
            self.out.section("Sequences owned by columns")
            self.out.add(*lines)

    # --- tables ----------------------------------------------------------------------------------

    def _tables(self) -> None:
        out = self.out
        ts = self.tables
        if not ts and not self.temporary:
            return
        out.section("Tables")
        for t in self.temporary:
            out.add(
                f"-- temporary table {t.qualified}: not written (it lasts only for its session)"
            )
        ordered = _topo(
            ts,
            lambda t: t.qualified,
            lambda t: [*([t.partition_of] if t.partition_of else []), *t.inherits],
        )
        for t in ordered:
            out.add("")
            out.add(*self._table(t))

    def _table(self, t: Table) -> list[str]:
        cat = self.cat
        parent = cat.table_by_name(t.partition_of) if t.partition_of else None
        partition = parent is not None and t.partition_bound is not None
        inline = []
        for c in _sorted(t.constraints.values(), lambda c: (c.name,)):
            if (
                c.using_index
                or (c.not_valid and c.enforced)
                or c.kind in ("foreign key", "not null")
            ):
                continue
            if partition and parent is not None and c.name in parent.constraints:
                continue  # cloned from the parent
            text = tables.inline_constraint(c, t, cat.exclusion)
            if text is not None:
                inline.append(text)
        if t.from_query:
            out = tables.create_table_as(t)
            qn = qualified(t.schema, t.name)
            out += [f"ALTER TABLE {qn} ADD {c};" for c in inline]
        else:
            columns = [] if partition else self._own_columns(t)
            out = [tables.create_table(t, columns, inline, partition_of=partition)]
        out += self._serial_fixups(t)
        if partition and parent is not None:
            out += self._partition_columns(t, parent)
        qn = qualified(t.schema, t.name)
        for col in t.columns.values():
            if col.comment:
                target = f"{qn}.{ident(col.name)}"
                out.append(objects.comment_sql("COLUMN", target, col.comment))
        if t.rls_enabled:
            out.append(f"ALTER TABLE {qn} ENABLE ROW LEVEL SECURITY;")
        if t.rls_forced:
            out.append(f"ALTER TABLE {qn} FORCE ROW LEVEL SECURITY;")
        self._owner_comment(t, "TABLE", qn, out)
        return out

    def _own_columns(self, t: Table) -> list[Column]:
        """The columns CREATE TABLE writes: an inheritance child receives the columns of its
        parents (INHERITS), so those it holds unchanged are left to the parents."""
        inherited: dict[str, Column] = {}
        for q in t.inherits:
            parent = self.cat.table_by_name(q)
            for pc in parent.columns.values() if parent is not None else ():
                inherited.setdefault(pc.name, copy_column(pc, with_default=True))
        return [c for c in t.columns.values() if not _same_column(c, inherited.get(c.name))]

    def _serial_fixups(self, t: Table) -> list[str]:
        """Give the sequences of serial and identity columns their recorded names and the
        defaults of serial columns their recorded text."""
        out = []
        qn = qualified(t.schema, t.name)
        for c in t.columns.values():
            if not (c.serial or c.identity):
                continue
            made = make_object_name(t.name, c.name, "seq")
            owner = f"{t.qualified}.{c.name}"
            seqs = [s for s in self.cat.sequences() if s.owned_by == owner and s.implicit]
            seq = seqs[0] if seqs else None
            if seq is not None and seq.name != made:
                out.append(
                    f"ALTER SEQUENCE {qualified(t.schema, made)} RENAME TO {ident(seq.name)};"
                )
            if c.serial:
                expected = f"nextval('{seq.name if seq else made}'::regclass)"
                if c.default is None:
                    out.append(f"ALTER TABLE {qn} ALTER COLUMN {ident(c.name)} DROP DEFAULT;")
                elif c.default != expected:
                    out.append(
                        f"ALTER TABLE {qn} ALTER COLUMN {ident(c.name)} SET DEFAULT {c.default};"
                    )
                if not c.not_null:
                    out.append(f"ALTER TABLE {qn} ALTER COLUMN {ident(c.name)} DROP NOT NULL;")
            if seq is not None:
                opts = objects.sequence_options(seq)
                if opts:
                    out.append(f"ALTER SEQUENCE {qualified(seq.schema, seq.name)} {opts};")
                self._owner_comment(seq, "SEQUENCE", qualified(seq.schema, seq.name), out)
        return out

    def _partition_columns(self, t: Table, parent: Table) -> list[str]:
        """ALTER COLUMN for what a partition's columns hold beyond the parent's copy."""
        out = []
        qn = qualified(t.schema, t.name)
        for c in t.columns.values():
            p = parent.columns.get(c.name)
            if p is None:
                continue
            col = f"ALTER TABLE {qn} ALTER COLUMN {ident(c.name)}"
            if c.default != p.default and not p.serial:
                out.append(
                    f"{col} DROP DEFAULT;"
                    if c.default is None
                    else f"{col} SET DEFAULT {c.default};"
                )
            if c.not_null and not p.not_null:
                out.append(f"{col} SET NOT NULL;")
        return out

    def _owner_comment(
        self, obj: Tracked, kind: str, target: str, out: list[str] | None = None
    ) -> None:
        lines = out if out is not None else self.out.lines
        if obj.owner:
            lines.append(f"ALTER {kind} {target} OWNER TO {ident(obj.owner)};")
        if obj.comment:
            lines.append(objects.comment_sql(kind, target, obj.comment))

    # --- indexes and constraints ------------------------------------------------------------------

    def _indexes(self) -> None:
        cat, out = self.cat, self.out
        lines: list[str] = []
        for t in self.tables:
            parent = cat.table_by_name(t.partition_of) if t.partition_of else None
            for ix in _sorted(t.indexes.values(), lambda i: (i.name,)):
                c = t.constraints.get(ix.constraint) if ix.constraint else None
                if c is not None and c.using_index:
                    # created under its first name; ADD CONSTRAINT ... USING INDEX renames it
                    lines.append(
                        tables.create_index(replace(ix, name=c.using_index), t.schema, t.name)
                    )
                    continue
                if c is not None:
                    lines += self._index_comment(ix)
                    continue
                if parent is not None and ix.parent and self._cloned(ix, parent):
                    lines += self._index_comment(ix)
                    continue
                lines.append(tables.create_index(ix, t.schema, t.name))
                lines += self._index_comment(ix)
        if lines:
            out.section("Indexes")
            out.add(*lines)

    def _cloned(self, ix: Index, parent: Table) -> bool:
        """Whether the index is the copy a partition receives from its parent's index."""
        n = split_qualified(ix.parent or "")[1]
        return any(p.name == n for p in parent.indexes.values())

    def _index_comment(self, ix: Index) -> list[str]:
        if not ix.comment:
            return []
        return [objects.comment_sql("INDEX", qualified(ix.schema, ix.name), ix.comment)]

    def _later_constraints(self) -> None:
        cat = self.cat
        first: list[str] = []
        later: list[str] = []
        for t in self.tables:
            parent = cat.table_by_name(t.partition_of) if t.partition_of else None
            for c in _sorted(t.constraints.values(), lambda c: (c.name,)):
                if (
                    parent is not None
                    and t.partition_bound is not None
                    and c.name in parent.constraints
                ):
                    continue
                if c.using_index:
                    first.append(tables.alter_constraint(c, t))
                    ix = t.indexes.get(c.index or "")
                    if ix is not None:
                        first += self._index_comment(ix)
                elif c.kind in ("foreign key", "not null") or (c.not_valid and c.enforced):
                    later.append(tables.alter_constraint(c, t))
                else:
                    continue
                if c.comment:
                    target = f"{ident(c.name)} ON {qualified(t.schema, t.name)}"
                    later.append(objects.comment_sql("CONSTRAINT", target, c.comment))
            for c in _sorted(t.constraints.values(), lambda c: (c.name,)):
                if c.comment and not (
                    c.using_index
                    or c.kind in ("foreign key", "not null")
                    or (c.not_valid and c.enforced)
                ):
                    target = f"{ident(c.name)} ON {qualified(t.schema, t.name)}"
                    later.append(objects.comment_sql("CONSTRAINT", target, c.comment))
        if first or later:
            self.out.section(
                "Constraints added to existing tables (foreign keys, NOT VALID, USING INDEX)"
            )
            self.out.add(*first, *later)

    def _index_partitions(self) -> None:
        lines = []
        for t in self.tables:
            parent = self.cat.table_by_name(t.partition_of) if t.partition_of else None
            for ix in _sorted(t.indexes.values(), lambda i: (i.name,)):
                if ix.parent and not (parent is not None and self._cloned(ix, parent)):
                    s, n = split_qualified(ix.parent)
                    lines.append(
                        f"ALTER INDEX {qualified(s, n)} ATTACH PARTITION {qualified(ix.schema, ix.name)};"
                    )
        if lines:
            self.out.section("Index partitions")
            self.out.add(*lines)

    # --- views, policies, grants --------------------------------------------------------------------

    def _views(self) -> None:
        cat, out = self.cat, self.out
        vs = _sorted(cat.views(), lambda v: (v.schema, v.name))
        if not vs:
            return
        out.section("Views and materialized views")
        for v in _topo(vs, lambda v: v.qualified, lambda v: v.reads):
            d = cat.definition(v)
            if d is not None:
                out.set_path(d[1])
            out.add("", objects.create_view(v))
            kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
            self._owner_comment(v, kind, qualified(v.schema, v.name))
            for ix in _sorted(v.indexes.values(), lambda i: (i.name,)):
                out.add(tables.create_index(ix, v.schema, v.name), *self._index_comment(ix))
        out.set_path(self.path)

    def _policies(self) -> None:
        lines = []
        for t in self.tables:
            for p in _sorted(t.policies.values(), lambda p: (p.name,)):
                lines.append(tables.policy_sql(p, t))
                if p.comment:
                    target = f"{ident(p.name)} ON {qualified(t.schema, t.name)}"
                    lines.append(objects.comment_sql("POLICY", target, p.comment))
        if lines:
            self.out.section("Row-level security policies")
            self.out.add(*lines)

    def _grant_applies(self, g: Grant) -> bool:
        return objects.grant_applies(self.cat, g)

    # --- the rest ------------------------------------------------------------------------------------

    def _unmodelled(self, text_of: Callable[[Loc], str], line_of: Callable[[Loc], int]) -> None:
        cat, out = self.cat, self.out
        written = unmodelled_statements(cat, text_of, line_of)
        dropped = [g for g in cat.grants if not self._grant_applies(g)]
        if not written and not dropped and not cat.session_statements:
            return
        out.section(
            "What the catalog does not model, in history order",
            "Applied: statements on objects the catalog does not model (triggers, rules...).",
            "Commented out: what cannot or should not apply, with the reason.",
            f"Left out: {cat.session_statements} statements of transaction control, session "
            "settings and maintenance.",
        )
        for x in written:
            out.add(
                "", f"-- {x.loc.path}:{x.line}: {x.note}" if x.note else f"-- {x.loc.path}:{x.line}"
            )
            if x.applied:
                out.set_path(x.search_path)
                out.add(x.text)
            else:
                out.add(*("-- " + ln if ln else "--" for ln in x.text.splitlines()))
        for g in dropped:
            where = f"{g.loc.path}: " if g.loc else ""
            out.add("", f"-- {where}names an object the schema does not hold: not applied")
            out.add("-- " + objects.grant_sql(g))


def prerequisites(cat: SchemaRecorder) -> tuple[list[str], list[str]]:
    """What the file refers to without creating it: roles (owners, grantees, policy roles)
    and objects the history used but never created (sorted)."""
    roles: set[str] = set()
    owned: list[Tracked] = [*cat.tables(), *cat.views(), *cat.sequences(), *cat.types()]
    owned += [*cat.functions(), *cat.schemas.values()]
    roles.update(o.owner for o in owned if o.owner)
    for g in cat.grants:
        if objects.grant_applies(cat, g):
            roles.update(g.grantees)
            roles.update(g.for_roles)
    for t in cat.tables():
        for p in t.policies.values():
            roles.update(p.roles)
    roles -= set(cat.roles) | {"public", "current_user", "session_user", "current_role"}
    missing = set()
    for name, _ in cat.unknown_references:
        s, n = split_qualified(name)
        key = (s or "public", n)
        if not (cat.rel_exists(key) or cat.type_at(key) or cat.function(name)):
            missing.add(name)
    return sorted(roles), sorted(missing)


def _same_column(c: Column, other: Column | None) -> bool:
    """Whether two columns are defined alike (their history aside)."""
    if other is None:
        return False
    fields = ("name", "type", "not_null", "serial", "identity", "generated", "collation")
    return (
        all(getattr(c, f) == getattr(other, f) for f in fields)
        and c.default == other.default
        and c.generated_expr == other.generated_expr
    )


def _base(t: str) -> str:
    m = _TYPE_BASE.match(t.strip())
    return m.group(1) if m else t
