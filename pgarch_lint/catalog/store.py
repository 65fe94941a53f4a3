"""The catalog: storage, run control, and the verbs that change what it holds.

:class:`Catalog` holds the replayed schema. It inherits every question from
:class:`~pgarch_lint.catalog.queries.CatalogQueries`; what it adds changes the catalog:

- run control: :meth:`Catalog.begin_file`, :meth:`Catalog.apply` (replay one statement through
  the handler table of :mod:`pgarch_lint.catalog.replay`), :meth:`Catalog.apply_unparsed`;
- bookkeeping: :meth:`Catalog.stamp` (a new object: its creation and origin),
  :meth:`Catalog.touch` (a changed object), :meth:`Catalog.note_unknown` (a reference to an
  object the replay never saw);
- the verbs: creating, dropping, renaming and moving relations, indexes, constraints,
  sequences, types, functions and schemas.

Besides the primary storage (tables, views, sequences, types and functions by key) the store
keeps secondary indexes: the relation of each index name (``_index_rel``), foreign keys by
referenced table (``_fk_by_target``), sequences by owning column (``_seq_by_owner``), the
first changing statement of each file (``_first_change``), whether any table was ever a
partition or a child (``_hierarchy``) and what the replay proves absent (``_ever``,
``_dropped``, ``_maybe``, ``_schema_first_file``, ``_fresh_schemas``, ``_gone_schemas``).
Only the verbs below change them: the replay handlers call the verbs and never touch a
secondary index. The public containers (``schemas``, ``extensions``, ``roles``, ``grants``,
``search_path``) carry no derived state; handlers change them directly. ``sketches``
(:mod:`pgarch_lint.catalog.sketches`) holds the constraints ALTER TABLE adds to tables the
catalog does not hold; handlers change it through its methods, and the verbs that give a
name to a relation or drop one forget the sketch of that name.

Statements that do not parse
============================

:meth:`Catalog.apply_unparsed` records what the header of a CREATE statement that did not
parse names (the engine reads it with :func:`pgarch_lint.sql.created_name`): a new table with
``columns_known`` False (rules treat its columns, constraints and indexes as partly unknown),
or an index/view name that may now exist (never proven absent).
"""

from __future__ import annotations

from collections.abc import Iterable

from pgarch_lint.catalog.declared import DEFINING_NODES, Ledger, name_definitions
from pgarch_lint.catalog.names import (
    DEFAULT_SEARCH_PATH,
    Key,
    choose_name,
    effective_search_path,
)
from pgarch_lint.catalog.objects import (
    Column,
    Constraint,
    Function,
    Grant,
    Index,
    Loc,
    Schema,
    Sequence,
    Table,
    Tracked,
    TypeDef,
    View,
)
from pgarch_lint.catalog.queries import CatalogQueries
from pgarch_lint.catalog.replay import HANDLERS
from pgarch_lint.catalog.sketches import Sketches
from pgarch_lint.catalog.types import rename_type_text
from pgarch_lint.sql import CreatedName, ast

__all__ = ["Catalog"]

# statements that may declare a name (recorded in Catalog.names)
_DECLARING = frozenset(DEFINING_NODES)


class Catalog(CatalogQueries):
    """The replayed schema. See :mod:`pgarch_lint.catalog` for the model and its limits."""

    def __init__(self) -> None:
        self.search_path = DEFAULT_SEARCH_PATH
        self.schemas = {}
        self._tables = {}
        self._views = {}
        self._sequences = {}
        self._index_rel = {}  # (schema, index) -> (schema, relation)
        self._types = {}
        self._functions = {}
        self.extensions = {}
        self.roles = {}
        self.grants = []
        self.unknown_references = []
        self.sketches = Sketches()  # constraints added to tables the catalog does not hold
        self.errors: int = 0  # statements whose replay raised internally (and were skipped)
        self.failures: list[tuple[str, Loc]] = []  # (exception text, statement), first 100
        self._file_index = -1
        self._path = ""
        self._context = False
        self._loc: Loc | None = None
        self._first_change = {}  # path → first statement that changed an object
        self._hierarchy = False  # some table was made a partition or an inheritance child
        # foreign keys by referenced table, sequences by owning column: every object ever
        # given that target (entries may be stale; users re-check the object)
        self._fk_by_target: dict[str, list[Constraint]] = {}
        self._seq_by_owner: dict[str, list[Sequence]] = {}
        # every index and constraint name the replayed statements declared, in order (the
        # evidence of house-style inference and what the naming rules judge; see declared.py)
        self.names = Ledger()
        # analyses derived from the catalog, remembered by whoever computes them with a key
        # that changes with the state they read (e.g. the house style: conventions.py)
        self.derived = {}
        # migration units (see begin_file): the first file of the current unit
        self._unit: str | None = None
        self._unit_start = -1
        # what the replay proves absent (see relation_absent): relation names ever held,
        # names a DROP removed, names a statement that did not parse may have created, the
        # first file that created a relation in each schema, schemas created empty by the
        # replay, schemas dropped or renamed away
        self._ever = set()
        self._dropped = set()
        self._maybe = set()
        self._schema_first_file = {}
        self._fresh_schemas = set()
        self._gone_schemas = set()

    # --- run control -------------------------------------------------------------------------

    def begin_file(self, path: str, *, context: bool, unit: str | None = None) -> None:
        """Start replaying the next file of the run.

        ``unit`` groups files into one migration unit (one release written as several
        files): a file whose ``unit`` equals the previous file's (not None) continues that
        unit, and objects created anywhere in the unit count as new (:attr:`Origin.CURRENT_FILE`)
        in each of its files. ``None`` makes the file a unit of its own.
        """
        self._file_index += 1
        self._path = path
        self._context = context
        if unit is None or unit != self._unit:
            self._unit_start = self._file_index
        self._unit = unit

    def apply(self, node: ast.Node, loc: Loc, base: int | None = None) -> None:
        """Replay one statement. Never raises: anything not understood is ignored.

        ``base`` is the offset the node's locations are relative to (None when they are not
        exact): declared names are recorded with their own position when it is known.
        """
        self._loc = loc
        try:
            if type(node) in _DECLARING:
                for d in name_definitions(node, self, loc, base, self._context):
                    self.names.add(d)
            self.replay(node)
        except Exception as exc:  # never let a statement break the run
            self._failed(exc, loc)
        finally:
            self._loc = None

    def replay(self, node: ast.Node) -> None:
        """Apply ``node`` through its handler (statements of other types change nothing)."""
        handler = HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)

    def apply_unparsed(self, created: CreatedName, loc: Loc) -> None:
        """Record what a CREATE statement that did not parse names (see
        :func:`pgarch_lint.sql.created_name`). Never raises.

        A table is created with its columns unknown (:attr:`Table.columns_known` False), so
        that the statements after it treat it as new; nothing happens when a relation of that
        name exists already (with IF NOT EXISTS the statement does nothing, without it
        PostgreSQL refuses). An index or a view is only noted as possibly existing: the
        catalog does not invent an object whose definition it cannot read, but
        :meth:`relation_absent` no longer calls the name absent.
        """
        self._loc = loc
        try:
            schema = created.name[-2] if len(created.name) > 1 else None
            name = created.name[-1]
            if created.kind == "table":
                rv = ast.RangeVar(
                    schemaname=schema, relname=name, relpersistence=created.persistence, inh=True
                )
                if not self.rel_exists(self.key_of(rv)):
                    self.new_table(rv).columns_known = False
            elif created.kind == "index":
                ts = created.table[-2] if len(created.table) > 1 else None
                tkey = self.resolve(ts, created.table[-1])
                if not self.rel_exists((tkey[0], name)):
                    self._maybe.add((tkey[0], name))
            else:
                key = self.resolve(schema, name)
                if not self.rel_exists(key):
                    self._maybe.add(key)
        except Exception as exc:  # like apply(): never let a statement break the run
            self._failed(exc, loc)
        finally:
            self._loc = None

    def _failed(self, exc: Exception, loc: Loc) -> None:
        self.errors += 1
        if len(self.failures) < 100:
            self.failures.append((f"{type(exc).__name__}: {exc}", loc))

    # --- bookkeeping -------------------------------------------------------------------------

    @property
    def loc(self) -> Loc | None:
        """The statement being replayed."""
        return self._loc

    def stamp(self, obj: Tracked, *, change: bool = True) -> None:
        """``obj`` is created by the statement being replayed (``change`` False: a sketch's
        constraint, which changes no object the catalog holds)."""
        obj.created = self._loc
        obj.file_index = self._file_index
        obj.context = self._context
        if change:
            self._note_change()

    def stamped(self, col: Column) -> Column:
        self.stamp(col)
        return col

    def touch(self, obj: Tracked) -> None:
        """``obj`` is changed by the statement being replayed."""
        obj.touch(self._loc)
        self._note_change()

    def _note_change(self) -> None:
        loc = self._loc
        if loc is not None and loc.path not in self._first_change:
            self._first_change[loc.path] = loc.start

    def note_unknown(self, name: str) -> None:
        """The statement refers to ``name``, which the catalog never saw created."""
        if self._loc is not None:
            self.unknown_references.append((name, self._loc))

    def set_search_path(self, values: Iterable[str]) -> None:
        self.search_path = effective_search_path(values)

    # --- verbs: names ------------------------------------------------------------------------

    def choose_relation_name(self, schema: str, name1: str, name2: str | None, label: str) -> str:
        """A generated relation name not taken in ``schema`` (``ChooseRelationName``)."""
        return choose_name(name1, name2, label, lambda c: self.rel_exists((schema, c)))

    def choose_constraint_name(self, t: Table, name2: str | None, label: str) -> str:
        """A generated constraint name not taken on ``t`` (``ChooseConstraintName``)."""
        return choose_name(t.name, name2, label, t.constraints.__contains__)

    def _occupy(self, key: Key) -> None:
        """A relation now holds ``key`` (created, renamed or moved there)."""
        self._ever.add(key)
        self._schema_first_file.setdefault(key[0], self._file_index)
        self.sketches.forget(key)

    def note_dropped(self, key: Key) -> None:
        """A DROP names ``key`` (whether or not it existed)."""
        self._dropped.add(key)
        self._maybe.discard(key)

    # --- verbs: schemas ----------------------------------------------------------------------

    def create_schema(self, name: str, owner: str | None, *, if_not_exists: bool) -> None:
        if name not in self.schemas and (not if_not_exists or name in self._gone_schemas):
            self._fresh_schemas.add(name)  # created now: the replay sees all it will hold
        self._gone_schemas.discard(name)
        if name in self.schemas:
            if not if_not_exists:
                self.touch(self.schemas[name])
        else:
            sch = Schema(name=name, owner=owner)
            self.stamp(sch)
            self.schemas[name] = sch

    def drop_schema(self, name: str, *, cascade: bool) -> None:
        self.schemas.pop(name, None)
        self._gone_schemas.add(name)
        self._fresh_schemas.discard(name)
        if not cascade:
            return
        self.sketches.forget_schema(name)
        for k in [k for k in self._tables if k[0] == name]:
            self.drop_table(k, cascade=True)
        for k in [k for k in self._views if k[0] == name]:
            self.drop_view(k, cascade=True)
        for k in [k for k in self._sequences if k[0] == name]:
            self._sequences.pop(k, None)
        for k in [k for k in self._types if k[0] == name]:
            self._types.pop(k, None)
        for fk in [fk for fk in self._functions if fk[0] == name]:
            self._functions.pop(fk, None)

    def rename_schema(self, old: str, new: str) -> None:
        if old in self._fresh_schemas:
            self._fresh_schemas.add(new)
        self._fresh_schemas.discard(old)
        self._gone_schemas.add(old)
        self._gone_schemas.discard(new)
        sch = self.schemas.pop(old, None)
        if sch is not None:
            sch.name = new
            self.schemas[new] = sch
            self.touch(sch)
        for k in [k for k in self._tables if k[0] == old]:
            self.move_relation(k, (new, k[1]))
        for k in [k for k in self._views if k[0] == old]:
            self.move_relation(k, (new, k[1]))
        for k in [k for k in self._sequences if k[0] == old]:
            self.move_relation(k, (new, k[1]))
        self.sketches.move_schema(old, new)
        for tk in [k for k in self._types if k[0] == old]:
            ty = self._types.pop(tk)
            ty.schema = new
            self._types[(new, ty.name)] = ty
        for fk in [k for k in self._functions if k[0] == old]:
            f = self._functions.pop(fk)
            f.schema = new
            self._functions[(new, f.name, f.argtypes)] = f
        for g in self.grants:
            if g.object_kind == "schema" or g.all_in_schema or g.default_privileges:
                g.objects = [new if x == old else x for x in g.objects]
        self.search_path = tuple(new if s == old else s for s in self.search_path)

    # --- verbs: tables -----------------------------------------------------------------------

    def new_table(self, rv: ast.RangeVar) -> Table:
        """Create the table a RangeVar names (replacing one of that name)."""
        key = self.key_of(rv)
        if key in self._tables:
            self.drop_table(key, cascade=False)
        persistence = {"u": "unlogged", "t": "temporary"}.get(rv.relpersistence or "p", "permanent")
        t = Table(schema=key[0], name=key[1], persistence=persistence)
        self.stamp(t)
        self._tables[key] = t
        self._occupy(key)
        return t

    def set_partition_of(self, child: Table, parent: str) -> None:
        """Make ``child`` a partition of the table ``parent`` (qualified)."""
        child.partition_of = parent
        self._hierarchy = True

    def add_inherit(self, child: Table, parent: str) -> None:
        """Make ``child`` inherit from the table ``parent`` (qualified)."""
        child.inherits.append(parent)
        self._hierarchy = True

    def drop_table(self, key: Key, *, cascade: bool) -> None:
        self.sketches.forget(key)
        t = self._tables.pop(key, None)
        if t is None:
            return
        for ix in list(t.indexes.values()):
            self._index_rel.pop((ix.schema, ix.name), None)
        q = t.qualified
        for other in list(self._tables.values()):
            for c in list(other.constraints.values()):
                if c.kind == "foreign key" and c.ref_table == q:
                    self.drop_constraint(other, c)
        # partitions go with their parent; inheritance children only with CASCADE
        for other in list(self._tables.values()):
            if other.partition_of == q:
                self.drop_table((other.schema, other.name), cascade=cascade)
            elif q in other.inherits:
                if cascade:
                    self.drop_table((other.schema, other.name), cascade=True)
                else:
                    other.inherits.remove(q)
        self.drop_owned_sequences(q)
        self.grants = [
            g
            for g in self.grants
            if not (g.object_kind == "table" and not g.all_in_schema and g.objects == [q])
        ]
        # Without CASCADE PostgreSQL refuses the drop while views depend on the table; the
        # catalog assumes the migration ran, so the dependants are gone either way (as for FKs).
        self._drop_views_reading(q)

    def move_relation(self, old: Key, new: Key) -> None:
        """Rename a table/view/sequence and/or move it to another schema."""
        if old == new:
            return
        oq, nq = f"{old[0]}.{old[1]}", f"{new[0]}.{new[1]}"
        if old in self._tables:
            self._move_table(old, new)
        elif old in self._views:
            v = self._views.pop(old)
            v.schema, v.name = new
            self._views[new] = v
            self._occupy(new)
            self.touch(v)
            self._move_indexes(v, new)
        elif old in self._sequences:
            s = self._sequences.pop(old)
            s.schema, s.name = new
            self._sequences[new] = s
            self._occupy(new)
            self.touch(s)
            _serial_default(self._tables, s, old[1])
        else:
            self.sketches.move(old, new)
            self.note_unknown(oq)
            return
        for v in self._views.values():
            if oq in v.reads:
                v.reads = [nq if x == oq else x for x in v.reads]
        self.rename_grant_refs(oq, nq)

    def _move_table(self, old: Key, new: Key) -> None:
        oq, nq = f"{old[0]}.{old[1]}", f"{new[0]}.{new[1]}"
        t = self._tables.pop(old)
        t.schema, t.name = new
        self._tables[new] = t
        self._occupy(new)
        self.touch(t)
        self._move_indexes(t, new)
        for c in t.constraints.values():
            c.table = nq
        for p in t.policies.values():
            p.table = nq
        for sk, s in list(self._sequences.items()):
            if s.owned_by and s.owned_by.startswith(oq + "."):
                self.own(s, nq + s.owned_by[len(oq) :])
                if old[0] != new[0] and s.implicit:
                    del self._sequences[sk]
                    s.schema = new[0]
                    self._sequences[(s.schema, s.name)] = s
                    self._occupy((s.schema, s.name))
        for other in self._tables.values():
            for c in other.constraints.values():
                if c.ref_table == oq:
                    c.ref_table = nq
                    self._fk_by_target.setdefault(nq, []).append(c)
            if other.partition_of == oq:
                other.partition_of = nq
            other.inherits = [nq if x == oq else x for x in other.inherits]

    def _move_indexes(self, rel: Table | View, new: Key) -> None:
        nq = f"{new[0]}.{new[1]}"
        for ix in list(rel.indexes.values()):
            self._index_rel.pop((ix.schema, ix.name), None)
            ix.schema = new[0]
            ix.table = nq
            self._index_rel[(ix.schema, ix.name)] = new
            self._occupy((ix.schema, ix.name))

    # --- verbs: columns ----------------------------------------------------------------------

    def drop_column(self, t: Table, name: str) -> None:
        t.columns.pop(name, None)
        for ix in list(t.indexes.values()):
            if any(k.column == name for k in ix.keys) or name in ix.include:
                self.drop_index(t, ix)
        for c in list(t.constraints.values()):
            if name in c.columns or name in c.include:
                self.drop_constraint(t, c)
        q = t.qualified
        for other in self._tables.values():
            for c in list(other.constraints.values()):
                if c.kind == "foreign key" and c.ref_table == q and name in c.ref_columns:
                    self.drop_constraint(other, c)
        self.drop_owned_sequences(f"{q}.{name}")

    def rename_column(self, t: Table, old: str, new: str) -> None:
        t.columns = {(new if k == old else k): v for k, v in t.columns.items()}
        col = t.columns[new]
        col.name = new
        self.touch(col)
        for c in t.constraints.values():
            c.columns = [new if x == old else x for x in c.columns]
            c.include = [new if x == old else x for x in c.include]
            c.proves_not_null = [new if x == old else x for x in c.proves_not_null]
        for ix in t.indexes.values():
            for k in ix.keys:
                if k.column == old:
                    k.column = new
            ix.include = [new if x == old else x for x in ix.include]
        t.partition_key = [new if x == old else x for x in t.partition_key]
        q = t.qualified
        # through the indexes, not a scan of every table and sequence (renaming N columns of N
        # tables would be quadratic); stale entries (dropped, re-pointed) fail the checks
        for c in self._fk_by_target.get(q, ()):
            if c.kind == "foreign key" and c.ref_table == q:
                c.ref_columns = [new if x == old else x for x in c.ref_columns]
        for s in list(self._seq_by_owner.get(f"{q}.{old}", ())):
            if s.owned_by == f"{q}.{old}":
                self.own(s, f"{q}.{new}")

    # --- verbs: constraints ------------------------------------------------------------------

    def put_constraint(self, t: Table, c: Constraint) -> None:
        t.constraints[c.name] = c
        if c.kind == "foreign key" and c.ref_table:
            self._fk_by_target.setdefault(c.ref_table, []).append(c)

    def drop_constraint(self, t: Table, c: Constraint) -> None:
        t.constraints.pop(c.name, None)
        if c.index:
            ix = t.indexes.get(c.index)
            if ix is not None and ix.constraint == c.name:
                self.drop_index(t, ix, with_constraint=False)
        if c.kind == "not null":
            for cn in c.columns:
                if cn in t.columns:
                    t.columns[cn].not_null = False

    def rename_constraint(self, t: Table, c: Constraint, new: str, *, rename_index: bool) -> None:
        old = c.name
        t.constraints = {(new if k == old else k): v for k, v in t.constraints.items()}
        c.name = new
        if c.index:
            ix = t.indexes.get(c.index)
            if ix is not None:
                ix.constraint = new
                if rename_index and ix.name == old:
                    self.rename_index(t, ix, new)
                    c.index = new

    # --- verbs: indexes ----------------------------------------------------------------------

    def put_index(self, rel: Table | View, ix: Index) -> None:
        rel.indexes[ix.name] = ix
        self._index_rel[(ix.schema, ix.name)] = (rel.schema, rel.name)
        self._occupy((ix.schema, ix.name))

    def drop_index(self, rel: Table | View, ix: Index, *, with_constraint: bool = True) -> None:
        rel.indexes.pop(ix.name, None)
        self._index_rel.pop((ix.schema, ix.name), None)
        if with_constraint and ix.constraint and isinstance(rel, Table):
            c = rel.constraints.get(ix.constraint)
            if c is not None:
                rel.constraints.pop(c.name, None)

    def drop_index_at(self, k: Key) -> None:
        """Drop the index ``k`` (nothing when no index holds that name)."""
        rk = self._index_rel.get(k)
        if rk is None:
            return
        rel = self._tables.get(rk) or self._views.get(rk)
        ix = rel.indexes.get(k[1]) if rel is not None else None
        if rel is not None and ix is not None:
            self.drop_index(rel, ix)
        else:
            self._index_rel.pop(k, None)

    def rename_index(self, rel: Table | View, ix: Index, new: str) -> None:
        rel.indexes.pop(ix.name, None)
        self._index_rel.pop((ix.schema, ix.name), None)
        old = ix.name
        ix.name = new
        self.put_index(rel, ix)
        if isinstance(rel, Table) and ix.constraint:
            c = rel.constraints.get(ix.constraint)
            if c is not None:
                c.index = new
                if c.name == old:
                    self.rename_constraint(rel, c, new, rename_index=False)

    # --- verbs: views ------------------------------------------------------------------------

    def put_view(self, v: View) -> None:
        key = (v.schema, v.name)
        self._views[key] = v
        self._occupy(key)

    def drop_view(self, key: Key, *, cascade: bool) -> None:
        v = self._views.pop(key, None)
        if v is None:
            return
        for ix in v.indexes.values():
            self._index_rel.pop((ix.schema, ix.name), None)
        self._drop_views_reading(v.qualified)  # see drop_table: dependants cannot outlive it

    def _drop_views_reading(self, q: str) -> None:
        for vk, v in list(self._views.items()):
            if q in v.reads and vk in self._views:
                self.drop_view(vk, cascade=True)

    # --- verbs: sequences --------------------------------------------------------------------

    def put_sequence(self, seq: Sequence) -> None:
        key = (seq.schema, seq.name)
        self._sequences[key] = seq
        self._occupy(key)

    def drop_sequence(self, key: Key) -> None:
        self._sequences.pop(key, None)

    def make_implicit_sequence(self, t: Table, col: str) -> str:
        """The sequence of a serial or identity column ``col`` of ``t``; returns its name."""
        name = self.choose_relation_name(t.schema, t.name, col, "seq")
        seq = Sequence(schema=t.schema, name=name, implicit=True)
        self.own(seq, f"{t.qualified}.{col}")
        self.stamp(seq)
        self.put_sequence(seq)
        return name

    def own(self, seq: Sequence, owner: str | None) -> None:
        """``ALTER SEQUENCE ... OWNED BY owner`` (``schema.table.column``, None: NONE)."""
        seq.owned_by = owner
        if owner is not None:
            self._seq_by_owner.setdefault(owner, []).append(seq)

    def drop_owned_sequences(self, owner: str, *, implicit_only: bool = False) -> None:
        """Drop the sequences owned by ``owner`` (a table, or a ``table.column``)."""
        for k, s in list(self._sequences.items()):
            if (
                s.owned_by is not None
                and (s.owned_by == owner or s.owned_by.startswith(owner + "."))
                and (s.implicit or not implicit_only)
            ):
                del self._sequences[k]

    # --- verbs: types and functions ----------------------------------------------------------

    def put_type(self, ty: TypeDef) -> None:
        self._types[(ty.schema, ty.name)] = ty

    def drop_type(self, key: Key) -> None:
        self._types.pop(key, None)

    def move_type(
        self, key: Key, *, schema: str | None = None, name: str | None = None
    ) -> TypeDef | None:
        """Rename the type ``key`` and/or move it to another schema; None when unknown.

        Columns, domains and composite attributes of the type follow it (PostgreSQL refers
        to a type by its oid): a schema-qualified mention gets the new qualified name, an
        unqualified one the new name when the type stays in its schema and no other schema
        has a type of the old name."""
        ty = self._types.pop(key, None)
        if ty is not None:
            old_q, old_n = ty.qualified, ty.name
            if schema is not None:
                ty.schema = schema
            if name is not None:
                ty.name = name
            self._types[(ty.schema, ty.name)] = ty
            renames = {old_q: ty.qualified}
            if ty.schema == key[0] and not any(k[1] == old_n for k in self._types):
                renames[old_n] = ty.name
            _retype(self._tables.values(), self._types.values(), renames)
        return ty

    def put_function(self, f: Function) -> None:
        self._functions[(f.schema, f.name, f.argtypes)] = f

    def drop_function(self, f: Function) -> None:
        self._functions.pop((f.schema, f.name, f.argtypes), None)

    def move_function(self, f: Function, schema: str, name: str) -> None:
        """Rename a function and/or move it to another schema."""
        self._functions.pop((f.schema, f.name, f.argtypes), None)
        f.schema, f.name = schema, name
        self._functions[(f.schema, f.name, f.argtypes)] = f

    # --- verbs: grants -----------------------------------------------------------------------

    def add_grant(self, g: Grant) -> None:
        self.grants.append(g)

    def rename_grant_refs(self, old: str, new: str) -> None:
        """Grants by name on ``old`` now name ``new``."""
        for g in self.grants:
            if not g.all_in_schema and not g.default_privileges and old in g.objects:
                g.objects = [new if x == old else x for x in g.objects]


def _serial_default(tables: dict[Key, Table], seq: Sequence, old_name: str) -> None:
    """A renamed sequence stays the default of the serial column that owns it (PostgreSQL
    refers to it by oid; the catalog writes a serial's default as text)."""
    tq, _, col = (seq.owned_by or "").rpartition(".")
    t = tables.get(split_key(tq)) if tq else None
    c = t.columns.get(col) if t is not None else None
    if c is not None and c.serial and c.default == f"nextval('{old_name}'::regclass)":
        c.default = f"nextval('{seq.name}'::regclass)"


def split_key(q: str) -> Key:
    """``"schema.name"`` as a key."""
    s, _, n = q.partition(".")
    return (s, n)


def _retype(tables: Iterable[Table], types: Iterable[TypeDef], renames: dict[str, str]) -> None:
    """Every stored type text whose base is a key of ``renames`` now names its value
    (columns, domain base types, composite attributes)."""

    def new(text: str) -> str:
        for old, to in renames.items():
            text = rename_type_text(text, old, to)
        return text

    for t in tables:
        for c in t.columns.values():
            c.type = new(c.type)
    for other in types:
        if other.base_type is not None:
            other.base_type = new(other.base_type)
        for a in other.attributes:
            a.type = new(a.type)
