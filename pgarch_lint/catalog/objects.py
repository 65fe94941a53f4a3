"""The object model: what the catalog holds about each schema object.

Every object is a plain ``slots`` dataclass deriving from :class:`Tracked`, which records
``created`` (the :class:`Loc` of the creating statement), ``changed`` (every later statement
that altered it), ``file_index``/``context`` (to compute its :class:`Origin`), ``comment`` and
``owner``. Names are stored as PostgreSQL stores them: pglast already folds unquoted
identifiers to lower case and keeps quoted ones as written.

- :class:`Schema`, :class:`Table` (with its :class:`Column`, :class:`Constraint`,
  :class:`Index` and :class:`Policy` objects hanging off it, so dropping a table leaves nothing
  of its own behind), :class:`View` (views and materialized views; a materialized view may carry
  indexes too), :class:`Function` (functions and procedures), :class:`TypeDef` (enum, composite
  and domain types), :class:`Sequence`, :class:`Extension`, :class:`Role` and :class:`Grant`.
- Qualified names are ``"schema.name"`` strings (no quoting) wherever one object refers to
  another (``Constraint.ref_table``, ``Index.table``, ``View.reads``...).

Expressions
===========

Expressions (defaults, generated columns, CHECK and EXCLUDE ... WHERE bodies, index
predicates and expression keys, policy expressions, view queries) are text: normalised SQL as
pglast deparses it. Some (:class:`_Deparsed` attributes: ``Column.default``,
``Column.generated_expr``, ``Constraint.expression``, ``View.query``) keep the parse tree until
their text is first read, because most are never read and deparsing costs. A rule that needs
the tree of a stored expression asks :func:`expression_tree` (``ctx.catalog.expression_tree``)
for it: the text parsed again, once per distinct text. ``Index.predicate_node``,
``Policy.using_node``, ``Policy.with_check_node`` and ``Constraint.expr`` (a CHECK's) are that
accessor applied to the text, kept for rule packs written against them.

Foreign-key actions
===================

pglast reports ``fk_del_action``/``fk_upd_action`` ``'a'`` (NO ACTION) both when the action is
omitted and when ``ON DELETE NO ACTION`` is written: the raw parse tree cannot tell them apart.
:attr:`Constraint.on_delete` / :attr:`Constraint.on_update` are therefore ``None`` when the action
is NO ACTION (omitted or explicit) and the action name (``"cascade"``, ``"restrict"``,
``"set null"``, ``"set default"``) otherwise. A rule that must distinguish an explicit
``NO ACTION`` has to look at the statement text.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from pgarch_lint.catalog.types import SERIAL_BASE_TYPES, value_text
from pgarch_lint.sql import ast, deparse, parse_expression

if TYPE_CHECKING:
    from pgarch_lint.catalog.view import CatalogView

__all__ = [
    "Column",
    "Constraint",
    "Extension",
    "Function",
    "Grant",
    "Index",
    "IndexKey",
    "Loc",
    "Origin",
    "Policy",
    "Role",
    "Schema",
    "Sequence",
    "Table",
    "Tracked",
    "TypeDef",
    "View",
    "copy_column",
    "copy_constraint",
    "expression_tree",
    "iter_objects",
]

# a default's text as the catalog deparses it: [schema.]function(arguments)
_CALL_TEXT = re.compile(r'(?:(?:"[^"]+"|[\w$]+)\.)?(?:"([^"]+)"|([\w$]+))\((.*)\)', re.DOTALL)


class Origin(enum.Enum):
    CURRENT_FILE = "current-file"  # created earlier in the file being checked (or in an earlier
    #                                file of its migration unit): new, empty
    CHECKED_FILE = "checked-file"  # created in an earlier checked file: existing
    CONTEXT = "context"  # created in a --context file: existing
    UNKNOWN = "unknown"  # never created in what we read: assume it exists, is large and live


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in a file: the statement span (absolute character offsets)."""

    path: str
    start: int
    end: int

    def __reduce__(self) -> tuple[type[Loc], tuple[str, int, int]]:
        # pickled as a call (the results cache keeps thousands): the state functions
        # dataclasses gives a frozen slotted class look its fields up for every object
        return (Loc, (self.path, self.start, self.end))


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> ast.Node | None:
    return parse_expression(text)


def expression_tree(text: str | None) -> ast.Node | None:
    """The parse tree of an expression the catalog stores as text (an index predicate, a
    policy's USING or WITH CHECK...), parsed on first demand and remembered by text; None for
    None or text that does not parse. The tree is shared: read it, never change it."""
    if text is None:
        return None
    return _parsed(text)


# --- the model -------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Tracked:
    """What every catalog object records about its history."""

    created: Loc | None = None
    changed: list[Loc] = field(default_factory=list)
    file_index: int = -1  # which file (in run order) created it
    context: bool = False  # created in a --context file
    comment: str | None = None
    owner: str | None = None

    def touch(self, loc: Loc | None) -> None:
        """Record that the statement at ``loc`` altered this object."""
        if loc is not None and (not self.changed or self.changed[-1] != loc):
            self.changed.append(loc)


@dataclass(slots=True, kw_only=True)
class Schema(Tracked):
    """A schema (namespace)."""

    name: str


class _Deparsed:
    """A text attribute kept as its AST node until first read, then deparsed once (pglast's
    printer costs ~0.2 ms a call, and most expressions are never read). The value lives in the
    field of the same name plus ``_``; assigning text stores the text."""

    __slots__ = ("slot",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = name + "_"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Deparsed: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> str | None: ...

    def __get__(self, obj: object, objtype: type | None = None) -> _Deparsed | str | None:
        if obj is None:
            return self
        value = getattr(obj, self.slot)
        if value is None or isinstance(value, str):
            return value
        text = deparse(value)
        setattr(obj, self.slot, text)
        return text

    def __set__(self, obj: object, value: str | None) -> None:
        setattr(obj, self.slot, value)


@dataclass(slots=True, kw_only=True)
class Column(Tracked):
    """A table column as the replayed DDL left it."""

    name: str
    type: str  # normalised: integer, bigint, varchar(10), numeric(10,2), text[], timestamptz
    not_null: bool = False
    default_: ast.Node | str | None = field(default=None, repr=False)  # see `default`
    default_volatile: bool = False
    serial: bool = False  # declared serial/bigserial/smallserial (``type`` keeps that name)
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # "stored" | "virtual"
    generated_expr_: ast.Node | str | None = field(default=None, repr=False)  # see `generated_expr`
    collation: str | None = None

    # not annotated, so not fields: read as text, stored in the fields above
    default = _Deparsed()  # the DEFAULT expression as normalised SQL (None without a default)

    @property
    def default_call(self) -> tuple[str, int] | None:
        """The function the DEFAULT calls, as its lower-case bare name and argument count
        (``nextval('s'::regclass)`` → ``("nextval", 1)``, also under a cast), without
        deparsing it; None when the default is not a function call."""
        raw = self.default_
        if raw is None:
            return None
        if isinstance(raw, str):
            m = _CALL_TEXT.fullmatch(raw.strip())
            if m is None:
                return None
            args = m.group(3).strip()
            return (m.group(1) or m.group(2)).lower(), (args.count(",") + 1 if args else 0)
        while isinstance(raw, ast.TypeCast):
            raw = raw.arg
        if not isinstance(raw, ast.FuncCall) or not raw.funcname:
            return None
        return value_text(raw.funcname[-1]).lower(), len(raw.args or ())

    generated_expr = _Deparsed()  # the expression of a generated column


@dataclass(slots=True, kw_only=True)
class Constraint(Tracked):
    """A table (or domain) constraint.

    ``kind`` is one of "primary key", "unique", "foreign key", "check", "exclude", "not null".
    NOT NULL constraints are recorded on :attr:`Column.not_null`; a ``Constraint`` of kind
    "not null" exists only when the constraint was given an explicit name.
    """

    name: str
    kind: str
    table: str  # qualified name of the owning table (or domain)
    columns: list[str] = field(default_factory=list)
    expression_: ast.Node | str | None = field(default=None, repr=False)  # see `expression`
    index: str | None = None  # name of the owning index (PK / UNIQUE / EXCLUDE)
    using_index: str | None = None  # ADD ... USING INDEX name
    include: list[str] = field(default_factory=list)
    nulls_not_distinct: bool = False
    ref_table: str | None = None  # FK: resolved qualified name of the referenced table
    ref_columns: list[str] = field(default_factory=list)
    on_delete: str | None = None  # None = NO ACTION (omitted or explicit; see module doc)
    on_update: str | None = None
    match: str | None = None  # FK: "simple" | "full" | "partial"
    deferrable: bool = False
    initially_deferred: bool = False
    enforced: bool = True
    not_valid: bool = False  # created NOT VALID (or NOT ENFORCED) and not validated since
    validated: bool = True  # PostgreSQL's convalidated
    proves_not_null: list[str] = field(default_factory=list)  # CHECK (col IS NOT NULL [AND..])

    expression = _Deparsed()  # CHECK / EXCLUDE WHERE as normalised SQL (not a field)

    @property
    def qualified(self) -> str:
        return f"{self.table}.{self.name}"

    @property
    def expr(self) -> ast.Node | None:
        """The CHECK expression's parse tree (:func:`expression_tree` of :attr:`expression`;
        None for other kinds)."""
        return expression_tree(self.expression) if self.kind == "check" else None


@dataclass(slots=True, kw_only=True)
class IndexKey:
    """One key of an index: a column or an expression, with its opclass, collation and order."""

    column: str | None = None
    expression: str | None = None  # deparsed, for expression keys
    opclass: str | None = None
    ordering: str | None = None  # "asc" | "desc" | None (default)
    nulls: str | None = None  # "first" | "last" | None (default)
    collation: str | None = None

    @property
    def text(self) -> str:
        """The column name or the expression text."""
        return self.column if self.column is not None else f"({self.expression})"

    @property
    def definition(self) -> str:
        """The key as written in CREATE INDEX: text, collation, opclass, order, nulls."""
        s = self.text
        if self.collation:
            s += f' COLLATE "{self.collation}"'
        if self.opclass:
            s += f" {self.opclass}"
        if self.ordering:
            s += f" {self.ordering.upper()}"
        if self.nulls:
            s += f" NULLS {self.nulls.upper()}"
        return s


@dataclass(slots=True, kw_only=True)
class Index(Tracked):
    """An index, declared or created by a PRIMARY KEY / UNIQUE / EXCLUDE constraint."""

    schema: str
    name: str
    table: str  # qualified name of the table or materialized view
    method: str = "btree"
    keys: list[IndexKey] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    predicate: str | None = None
    unique: bool = False
    primary: bool = False
    nulls_not_distinct: bool = False
    concurrently: bool = False
    only: bool = False  # CREATE INDEX ... ON ONLY parent
    constraint: str | None = None  # name of the owning constraint
    parent: str | None = None  # qualified parent index (ALTER INDEX ... ATTACH PARTITION)
    attnames: list[str] = field(default_factory=list)  # PostgreSQL's index column names

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def columns(self) -> list[str]:
        """Key columns/expressions as text, in order."""
        return [k.text for k in self.keys]

    @property
    def predicate_node(self) -> ast.Node | None:
        """The predicate's parse tree (:func:`expression_tree` of :attr:`predicate`)."""
        return expression_tree(self.predicate)


@dataclass(slots=True, kw_only=True)
class Policy(Tracked):
    """A row-level security policy of a table."""

    name: str
    table: str
    command: str = "all"  # all | select | insert | update | delete
    permissive: bool = True
    roles: list[str] = field(default_factory=lambda: ["public"])
    using: str | None = None
    with_check: str | None = None

    @property
    def using_node(self) -> ast.Node | None:
        """The USING expression's parse tree (:func:`expression_tree` of :attr:`using`)."""
        return expression_tree(self.using)

    @property
    def with_check_node(self) -> ast.Node | None:
        """The WITH CHECK expression's parse tree (:func:`expression_tree`)."""
        return expression_tree(self.with_check)


@dataclass(slots=True, kw_only=True)
class Table(Tracked):
    """A table (ordinary, partitioned, foreign, temporary or unlogged) with its columns,
    constraints, indexes and policies."""

    schema: str
    name: str
    persistence: str = "permanent"  # permanent | unlogged | temporary
    partitioned: bool = False
    partition_strategy: str | None = None  # range | list | hash
    partition_key: list[str] = field(default_factory=list)  # columns or (expressions)
    partition_of: str | None = None  # qualified parent when this table is a partition
    partition_bound: str | None = None
    inherits: list[str] = field(default_factory=list)
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    rls_enabled: bool = False
    rls_forced: bool = False
    from_query: bool = False  # CREATE TABLE AS / SELECT INTO (columns best effort)
    # False for a table recovered from a CREATE TABLE that did not parse: ``columns``,
    # ``constraints`` and ``indexes`` hold only what later statements added
    columns_known: bool = True

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def primary_key(self) -> Constraint | None:
        for c in self.constraints.values():
            if c.kind == "primary key":
                return c
        return None


@dataclass(slots=True, kw_only=True)
class View(Tracked):
    """A view or materialized view."""

    schema: str
    name: str
    materialized: bool = False
    options: dict[str, str] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)  # qualified relations the query reads
    columns: list[str] = field(default_factory=list)  # explicit column aliases, if any
    query_: ast.Node | str | None = field(default=None, repr=False, compare=False)  # see `query`
    check_option: str | None = None  # local | cascaded
    indexes: dict[str, Index] = field(default_factory=dict)  # materialized views only
    with_data: bool = True

    query = _Deparsed()  # the defining query as normalised SQL (not a field)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def security_invoker(self) -> bool:
        return self.options.get("security_invoker", "false").lower() in ("true", "on", "1", "yes")


@dataclass(slots=True, kw_only=True)
class Function(Tracked):
    """A function or procedure (identified by name and argument types)."""

    schema: str
    name: str
    argtypes: tuple[str, ...] = ()  # input argument types, normalised
    argnames: tuple[str, ...] = ()
    returns: str | None = None
    procedure: bool = False
    language: str | None = None
    security_definer: bool = False
    settings: dict[str, str] = field(default_factory=dict)  # SET clauses, e.g. search_path
    volatility: str = "volatile"  # volatile | stable | immutable
    strict: bool = False
    leakproof: bool = False
    body: str | None = None
    grants_before: int = 0  # len(catalog.grants) when created (for default privileges)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        return f"{self.schema}.{self.name}({', '.join(self.argtypes)})"


@dataclass(slots=True, kw_only=True)
class TypeDef(Tracked):
    """A user-defined type: ``kind`` is enum, composite, domain, range or base."""

    schema: str
    name: str
    kind: str
    values: list[str] = field(default_factory=list)  # enum labels in order
    attributes: list[Column] = field(default_factory=list)  # composite attributes
    base_type: str | None = None  # domain
    not_null: bool = False  # domain
    default: str | None = None  # domain
    constraints: dict[str, Constraint] = field(default_factory=dict)  # domain constraints

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(slots=True, kw_only=True)
class Sequence(Tracked):
    """A sequence, explicit or implied by serial / identity columns."""

    schema: str
    name: str
    data_type: str | None = None
    owned_by: str | None = None  # "schema.table.column"
    options: dict[str, str] = field(default_factory=dict)
    implicit: bool = False  # created for a serial / identity column

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(slots=True, kw_only=True)
class Extension(Tracked):
    """An installed extension."""

    name: str
    schema: str | None = None
    version: str | None = None


@dataclass(slots=True, kw_only=True)
class Role(Tracked):
    """A role created by the replayed SQL."""

    name: str
    options: dict[str, str] = field(default_factory=dict)
    member_of: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Grant:
    """One GRANT/REVOKE (or ALTER DEFAULT PRIVILEGES) statement, in replay order.

    ``objects`` holds resolved qualified names (functions as ``schema.name(argtypes)``, or
    ``schema.name`` when the arguments were not given); with ``all_in_schema`` they are schema
    names; with ``default_privileges`` they are the ``IN SCHEMA`` schemas (empty = all).
    Grantees are role names, ``public`` for PUBLIC.
    """

    is_grant: bool
    privileges: list[str]  # lower case; ["all"] for ALL PRIVILEGES
    object_kind: str  # table, sequence, function, procedure, routine, schema, type, ...
    objects: list[str]
    grantees: list[str]
    columns: list[str] = field(default_factory=list)
    all_in_schema: bool = False
    default_privileges: bool = False
    for_roles: list[str] = field(default_factory=list)
    grant_option: bool = False
    cascade: bool = False
    loc: Loc | None = None


# --- copies ----------------------------------------------------------------------------------


def copy_column(c: Column, *, with_default: bool) -> Column:
    """A column as a partition, an inheritance child or ``LIKE`` receives it (a serial column
    becomes its integer type; the default only when asked)."""
    n = Column(
        name=c.name,
        type=c.type,
        not_null=c.not_null,
        serial=False,
        identity=c.identity,
        generated=c.generated,
        generated_expr_=c.generated_expr_,
        collation=c.collation,
        comment=c.comment,
    )
    if c.serial:
        n.type = SERIAL_BASE_TYPES[c.type]
    if with_default:
        n.default_, n.default_volatile = c.default_, c.default_volatile
    return n


def copy_constraint(c: Constraint, table: str, name: str) -> Constraint:
    """A copy of ``c`` named ``name`` on ``table`` (without its history and comment)."""
    n = Constraint(name=name, kind=c.kind, table=table)
    for s in Constraint.__slots__:
        if s not in ("name", "table", "changed", "comment"):
            v = getattr(c, s)
            setattr(n, s, list(v) if isinstance(v, list) else v)
    return n


def iter_objects(catalog: CatalogView) -> Iterator[Tracked]:
    """Every tracked object in the catalog (tables and what hangs off them, views, ...)."""
    yield from catalog.schemas.values()
    for t in catalog.tables():
        yield t
        yield from t.columns.values()
        yield from t.constraints.values()
        yield from t.indexes.values()
        yield from t.policies.values()
    for v in catalog.views():
        yield v
        yield from v.indexes.values()
    yield from catalog.functions()
    yield from catalog.types()
    yield from catalog.sequences()
    yield from catalog.extensions.values()
    yield from catalog.roles.values()
