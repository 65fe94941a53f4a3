"""The catalog's read side: name resolution and the lookups rules ask.

:class:`CatalogQueries` is the base of :class:`~pgarch_lint.catalog.store.Catalog`: it reads
the storage that the store's ``__init__`` creates and that only the store's verbs change.
Everything here is a question; nothing here changes the catalog. The public lookups are the
:class:`~pgarch_lint.catalog.view.CatalogView` rules see; the key-level ones (``table_at``,
``index_key``...) serve the replay.

Origins
=======

:meth:`CatalogQueries.origin_of` tells where an object was created (:class:`Origin`).
:meth:`~pgarch_lint.catalog.store.Catalog.begin_file` takes an optional unit key
(``migration-unit`` in the config): consecutive files with the same key form one unit, and
:attr:`Origin.CURRENT_FILE` (so ``is_new``) means "created earlier in the current unit". A rule
that needs "in this very file" (the same transaction) compares ``obj.created.path`` with the
file's path.

Absence
=======

:meth:`CatalogQueries.relation_absent` says when ``DROP ... IF EXISTS name`` does nothing: the
name was dropped, renamed or moved away (the replay saw it go), or it was never created in a
schema whose whole content the replay knows (created by ``CREATE SCHEMA`` without IF NOT
EXISTS, dropped, or holding relations created by an earlier file of the run: ``--context``,
earlier checked files, a live database). A lone file proves nothing about names it never saw.

Volatile defaults
=================

A default is volatile (rewrites the table when added with ``ADD COLUMN``) when it calls one of
:data:`VOLATILE_FUNCTIONS` (``gen_random_uuid``, ``uuid_generate_v4``, ``random``,
``clock_timestamp``, ``nextval``, ``timeofday``...) or a function the catalog knows was created
``VOLATILE`` (the default volatility): :meth:`CatalogQueries.volatile_call`. ``now()``,
``current_timestamp`` and constants are not volatile. Unknown functions are assumed
non-volatile.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any

from pgarch_lint.catalog.declared import Ledger
from pgarch_lint.catalog.names import (
    Key,
    creation_schema,
    lookup_key,
    search_schemas,
    split_qualified,
)
from pgarch_lint.catalog.nodes import qualified_parts, texts_of, value_text
from pgarch_lint.catalog.objects import (
    Column,
    Constraint,
    Extension,
    Function,
    Grant,
    Index,
    Loc,
    Origin,
    Policy,
    Role,
    Schema,
    Sequence,
    Table,
    Tracked,
    TypeDef,
    View,
    expression_tree,
)
from pgarch_lint.catalog.sketches import Sketches
from pgarch_lint.catalog.types import UUID_GENERATORS
from pgarch_lint.sql import ast, walk

__all__ = ["VOLATILE_FUNCTIONS", "CatalogQueries"]

#: Built-in (and common extension) functions that are VOLATILE in pg_proc: a column default
#: that calls one of them is evaluated once per row, so ``ADD COLUMN`` rewrites the table.
VOLATILE_FUNCTIONS: frozenset[str] = UUID_GENERATORS | frozenset(
    {
        "random",
        "random_normal",
        "setseed",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "setval",
        "currval",
        "lastval",
        "gen_random_bytes",
        "gen_salt",
        "txid_current",
        "pg_current_xact_id",
        "ulid_generate",
        "generate_ulid",
        "gen_ulid",
    }
)


class CatalogQueries:
    """Name resolution and lookups over the replayed schema (see the module docstring)."""

    # the storage, created by Catalog.__init__ (see there)
    search_path: tuple[str, ...]
    schemas: dict[str, Schema]
    extensions: dict[str, Extension]
    roles: dict[str, Role]
    grants: list[Grant]
    unknown_references: list[tuple[str, Loc]]
    sketches: Sketches
    names: Ledger
    derived: dict[tuple[Any, ...], Any]
    _tables: dict[Key, Table]
    _views: dict[Key, View]
    _sequences: dict[Key, Sequence]
    _index_rel: dict[Key, Key]
    _types: dict[Key, TypeDef]
    _functions: dict[tuple[str, str, tuple[str, ...]], Function]
    _file_index: int
    _unit_start: int
    _first_change: dict[str, int]
    _hierarchy: bool
    _ever: set[Key]
    _dropped: set[Key]
    _maybe: set[Key]
    _schema_first_file: dict[str, int]
    _fresh_schemas: set[str]
    _gone_schemas: set[str]

    # --- name resolution ---------------------------------------------------------------------

    @property
    def creation_schema(self) -> str:
        return creation_schema(self.search_path)

    def _lookup(self, mapping: Container[Key], schema: str | None, name: str) -> Key:
        return lookup_key(self.search_path, schema, name, mapping.__contains__)

    def rel_exists(self, key: Key) -> bool:
        """Whether a table, view, sequence or index holds ``key`` (one namespace)."""
        return (
            key in self._tables
            or key in self._views
            or key in self._sequences
            or key in self._index_rel
        )

    def resolve(self, schema: str | None, name: str) -> tuple[str, str]:
        """Resolve a relation name (table, view, sequence) through the search path."""
        # names.lookup_key, written out: the replay resolves every name it reads
        if schema:
            return (schema, name)
        for s in self.search_path:
            k = (s, name)
            if k in self._tables or k in self._views or k in self._sequences:
                return k
        return (self.creation_schema, name)

    def key_of(self, ref: ast.RangeVar) -> Key:
        """The resolved key of a RangeVar."""
        return self.resolve(ref.schemaname or None, ref.relname or "")

    def index_key(self, schema: str | None, name: str) -> Key:
        """The resolved key of an index name."""
        return self._lookup(self._index_rel, schema, name)

    def type_key(self, tn: ast.TypeName | Iterable[Any] | None) -> Key:
        """The resolved key of a TypeName (or a list of name nodes)."""
        names = tn.names if isinstance(tn, ast.TypeName) else tn
        s, n = qualified_parts(names)
        return self._lookup(self._types, s, n)

    # --- key-level lookups (for the replay) --------------------------------------------------

    def table_at(self, key: Key) -> Table | None:
        return self._tables.get(key)

    def view_at(self, key: Key) -> View | None:
        return self._views.get(key)

    def sequence_at(self, key: Key) -> Sequence | None:
        return self._sequences.get(key)

    def type_at(self, key: Key) -> TypeDef | None:
        return self._types.get(key)

    def function_at(self, key: tuple[str, str, tuple[str, ...]]) -> Function | None:
        return self._functions.get(key)

    def has_index_key(self, key: Key) -> bool:
        return key in self._index_rel

    def index_owner(self, key: Key) -> Table | View | None:
        """The table or materialized view that holds the index ``key``."""
        rk = self._index_rel.get(key)
        if rk is None:
            return None
        return self._tables.get(rk) or self._views.get(rk)

    def index_at(self, key: Key) -> Index | None:
        rel = self.index_owner(key)
        return rel.indexes.get(key[1]) if rel is not None else None

    def functions_matching(
        self, schema: str | None, name: str, argtypes: tuple[str, ...] | None
    ) -> list[Function]:
        """Every overload of ``[schema.]name`` (with ``argtypes``, that one) in the first
        schema of the path that has one."""
        for sch in search_schemas(self.search_path, schema):
            found = [
                f
                for (fs, fn, fa), f in self._functions.items()
                if fs == sch and fn == name and (argtypes is None or fa == argtypes)
            ]
            if found:
                return found
        return []

    def descendants(self, t: Table) -> list[Table]:
        """Partitions and inheritance children, recursively (parents before children)."""
        out: list[Table] = []
        if not self._hierarchy:
            return out  # no table was ever a partition or a child: skip scanning them all
        todo = [t.qualified]
        seen = {t.qualified}
        while todo:
            q = todo.pop()
            for other in self._tables.values():
                oq = other.qualified
                if oq not in seen and (other.partition_of == q or q in other.inherits):
                    seen.add(oq)
                    out.append(other)
                    todo.append(oq)
        return out

    # --- queries: relations --------------------------------------------------------------------

    def table(self, ref: ast.RangeVar) -> Table | None:
        """The table a RangeVar names, or None when the catalog never saw it created."""
        return self._tables.get(self.key_of(ref))

    def table_by_name(self, name: str) -> Table | None:
        """A table by ``"schema.name"`` or unqualified ``"name"`` (resolved via search_path)."""
        s, n = split_qualified(name)
        return self._tables.get(self.resolve(s, n))

    def tables(self) -> list[Table]:
        return list(self._tables.values())

    def relation(self, ref: ast.RangeVar) -> Table | View | Sequence | None:
        """The table, view or sequence a RangeVar names."""
        k = self.key_of(ref)
        return self._tables.get(k) or self._views.get(k) or self._sequences.get(k)

    def view(self, ref: ast.RangeVar | str) -> View | None:
        if isinstance(ref, str):
            s, n = split_qualified(ref)
            return self._views.get(self.resolve(s, n))
        return self._views.get(self.key_of(ref))

    def views(self) -> list[View]:
        return list(self._views.values())

    def sequence(self, name: str) -> Sequence | None:
        s, n = split_qualified(name)
        return self._sequences.get(self.resolve(s, n))

    def sequences(self) -> list[Sequence]:
        return list(self._sequences.values())

    def column(self, table: Table | View | None, name: str) -> Column | None:
        if isinstance(table, Table):
            return table.columns.get(name)
        return None

    def index(self, name: str) -> Index | None:
        """An index by ``"schema.name"`` or ``"name"``."""
        s, n = split_qualified(name)
        return self.index_at(self.index_key(s, n))

    def indexes(self) -> list[Index]:
        out: list[Index] = []
        for t in self._tables.values():
            out.extend(t.indexes.values())
        for v in self._views.values():
            out.extend(v.indexes.values())
        return out

    def indexes_on(self, table: Table | View | None) -> list[Index]:
        """Every index on the relation, including those owned by PK/UNIQUE/EXCLUDE."""
        return list(table.indexes.values()) if table is not None else []

    def constraints_on(self, table: Table | None) -> list[Constraint]:
        return list(table.constraints.values()) if table is not None else []

    def constraints_of(self, ref: ast.RangeVar) -> list[Constraint]:
        """The constraints of the table ``ref`` names, as far as the replay knows them: all
        of a table the catalog holds; for a name it does not hold, the named CHECK and
        FOREIGN KEY constraints that ALTER TABLE statements added to it
        (:mod:`pgarch_lint.catalog.sketches`), its other constraints being unknown."""
        key = self.key_of(ref)
        t = self._tables.get(key)
        if t is not None:
            return list(t.constraints.values())
        return [] if self.rel_exists(key) else self.sketches.constraints(key)

    def foreign_keys(self, table: Table | None) -> list[Constraint]:
        return [c for c in self.constraints_on(table) if c.kind == "foreign key"]

    def foreign_keys_referencing(self, table: Table | None) -> list[Constraint]:
        """FOREIGN KEY constraints (on any table) that reference ``table``."""
        if table is None:
            return []
        q = table.qualified
        return [
            c
            for t in self._tables.values()
            for c in t.constraints.values()
            if c.kind == "foreign key" and c.ref_table == q
        ]

    def policies_on(self, table: Table | None) -> list[Policy]:
        return list(table.policies.values()) if table is not None else []

    def partition_key(self, table: Table | None) -> list[str]:
        return list(table.partition_key) if table is not None else []

    def partitions_of(self, table: Table | None) -> list[Table]:
        if table is None or not self._hierarchy:
            return []
        q = table.qualified
        return [t for t in self._tables.values() if t.partition_of == q]

    def has_validated_not_null_check(self, table: Table | None, column: str) -> bool:
        """A validated, enforced ``CHECK (column IS NOT NULL)`` (possibly AND-ed) exists."""
        if table is None:
            return False
        return any(
            c.kind == "check" and c.validated and c.enforced and column in c.proves_not_null
            for c in table.constraints.values()
        )

    def expression_tree(self, text: str | None) -> ast.Node | None:
        """The parse tree of an expression the catalog stores as text (``Index.predicate``,
        ``Policy.using``...): see :func:`pgarch_lint.catalog.objects.expression_tree`."""
        return expression_tree(text)

    # --- queries: origins ----------------------------------------------------------------------

    def origin_of(self, obj: Tracked | None) -> Origin:
        if obj is None:
            return Origin.UNKNOWN
        if obj.file_index >= self._unit_start:
            return Origin.CURRENT_FILE
        return Origin.CONTEXT if obj.context else Origin.CHECKED_FILE

    def origin(self, ref: ast.RangeVar) -> Origin:
        return self.origin_of(self.relation(ref))

    def is_new(self, ref: ast.RangeVar) -> bool:
        """True when the relation was created earlier in the current file (or migration
        unit, see :meth:`~pgarch_lint.catalog.store.Catalog.begin_file`)."""
        return self.origin(ref) is Origin.CURRENT_FILE

    def first_change_in(self, path: str) -> int | None:
        """Offset of the first statement of file ``path`` that created or altered an object
        (``None`` if none did yet)."""
        return self._first_change.get(path)

    # --- queries: absence ----------------------------------------------------------------------

    def relation_absent(self, name: str) -> bool:
        """Whether the replay proves that no relation called ``name`` (``"schema.name"`` or
        ``"name"``) exists now, so that ``DROP ... IF EXISTS name`` does nothing.

        Tables, views, materialized views, sequences and indexes share one namespace, so this
        holds for any of them. In each schema ``name`` may resolve to (the given one, else
        every schema of the search path), nothing of that name exists in the catalog, no
        statement that failed to parse may have created it, and either

        - the replay saw the name go: dropped (with or without IF EXISTS), renamed or moved
          away, or removed with its table, schema or column; or
        - the replay knows the schema's whole content: the schema was dropped, or created by
          ``CREATE SCHEMA`` without IF NOT EXISTS, or an earlier file of the run (a
          ``--context`` file, an earlier checked file, the live database's objects) created a
          relation in it. A relation created in the file being checked says nothing about
          the rest of its schema: with no history, an unknown name may exist.

        Statements the catalog does not replay (dynamic SQL, unmodelled object kinds) can
        make this wrong; rules use it only to skip statements that would do nothing.
        """
        parts = name.split(".")
        s, n = (parts[-2] if len(parts) > 1 else None), parts[-1]
        for sch in search_schemas(self.search_path, s):
            k = (sch, n)
            if self.rel_exists(k) or k in self._maybe:
                return False
            if k in self._ever or k in self._dropped or sch in self._gone_schemas:
                continue
            if sch in self._fresh_schemas:
                continue
            first = self._schema_first_file.get(sch)
            if first is None or first >= self._file_index:
                return False
        return True

    def schema_absent(self, name: str) -> bool:
        """Whether the replay proves that schema ``name`` does not exist now: it was dropped
        or renamed away, and not created again."""
        return name in self._gone_schemas and name not in self.schemas

    # --- queries: other objects ----------------------------------------------------------------

    def functions(self) -> list[Function]:
        return list(self._functions.values())

    def function(self, name: str, argtypes: Iterable[str] | None = None) -> Function | None:
        """A function/procedure by (qualified) name; with ``argtypes`` the exact overload."""
        s, n = split_qualified(name)
        want = tuple(argtypes) if argtypes is not None else None
        for sch in search_schemas(self.search_path, s):
            for (fs, fn, fa), f in self._functions.items():
                if fs == sch and fn == n and (want is None or fa == want):
                    return f
        return None

    def types(self) -> list[TypeDef]:
        return list(self._types.values())

    def type(self, name: str) -> TypeDef | None:
        s, n = split_qualified(name)
        return self._types.get(self._lookup(self._types, s, n))

    def enum_type(self, name: str) -> TypeDef | None:
        t = self.type(name)
        return t if t is not None and t.kind == "enum" else None

    def volatile_call(self, expr: ast.Node | None) -> str | None:
        """The first function ``expr`` calls that is VOLATILE (a known built-in, or a function
        this catalog saw created VOLATILE), as its bare name; None when there is none.
        Functions never seen are taken as not volatile."""
        for n, _ in walk(expr):
            if isinstance(n, ast.FuncCall) and n.funcname:
                fname = value_text(n.funcname[-1]).lower()
                if fname in VOLATILE_FUNCTIONS:
                    return fname
                f = self.function(".".join(texts_of(n.funcname)))
                if f is not None and f.volatility == "volatile":
                    return fname
        return None

    def comment_of(self, kind: str, name: str) -> str | None:
        """The comment on an object: kind is table, column (``table.col``), index, constraint
        (``table.conname``), policy (``table.policy``), view, materialized view, function,
        procedure, schema, type, domain, sequence, extension, role."""
        obj = self._object(kind, name)
        return obj.comment if obj is not None else None

    def _object(self, kind: str, name: str) -> Tracked | None:
        k = kind.lower()
        if k in ("column", "constraint", "policy"):
            tname, _, sub = name.rpartition(".")
            t = self.table_by_name(tname) if tname else None
            if k == "column":
                return t.columns.get(sub) if t else None
            if k == "constraint":
                return t.constraints.get(sub) if t else None
            return t.policies.get(sub) if t else None
        if k == "table":
            return self.table_by_name(name)
        if k in ("view", "materialized view"):
            return self.view(name)
        if k == "index":
            return self.index(name)
        if k in ("function", "procedure", "routine"):
            return self.function(name)
        if k == "schema":
            return self.schemas.get(name)
        if k in ("type", "domain", "enum"):
            return self.type(name)
        if k == "sequence":
            return self.sequence(name)
        if k == "extension":
            return self.extensions.get(name)
        if k == "role":
            return self.roles.get(name)
        return None

    # --- queries: privileges -------------------------------------------------------------------

    def grants_on(self, kind: str, name: str) -> list[Grant]:
        """Grants/revokes (in order) whose target includes the object ``name`` of ``kind``."""
        schema = name.split(".", 1)[0] if "." in name else None
        bare = name.split("(", 1)[0]
        out = []
        for g in self.grants:
            if g.default_privileges:
                continue
            if g.object_kind != kind and not (
                kind in ("function", "procedure") and g.object_kind == "routine"
            ):
                continue
            if g.all_in_schema:
                if schema in g.objects:
                    out.append(g)
            elif name in g.objects or bare in g.objects:
                out.append(g)
        return out

    def public_can_execute(self, func: Function) -> bool:
        """Whether PUBLIC can still EXECUTE ``func`` after every GRANT/REVOKE replayed.

        Follows PostgreSQL: EXECUTE is granted to PUBLIC when a routine is created unless an
        ``ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`` issued before
        the creation says otherwise; ``GRANT/REVOKE ... ON ALL FUNCTIONS IN SCHEMA`` only
        affects routines that existed when it ran; grants by name made before the routine was
        (re)created do not apply to it; later ones are applied in order.
        """

        def covers_execute(g: Grant) -> bool:
            return "public" in g.grantees and ("execute" in g.privileges or "all" in g.privileges)

        born = min(max(func.grants_before, 0), len(self.grants))
        allowed = True
        for g in self.grants[:born]:
            if (
                g.default_privileges
                and g.object_kind in ("function", "routine")
                and (not g.objects or func.schema in g.objects)
                and covers_execute(g)
            ):
                allowed = g.is_grant
        sig, bare = func.signature, func.qualified
        for g in self.grants[born:]:
            if (
                g.default_privileges
                or g.object_kind not in ("function", "procedure", "routine")
                or not covers_execute(g)
            ):
                continue
            by_schema = g.all_in_schema and func.schema in g.objects
            if by_schema or (not g.all_in_schema and (sig in g.objects or bare in g.objects)):
                allowed = g.is_grant
        return allowed
