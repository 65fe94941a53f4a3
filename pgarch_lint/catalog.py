"""The schema catalog: what the replayed DDL has created, and where.

The catalog replays DDL statement by statement. It is the single place that knows what a
CREATE/ALTER/DROP does to the schema; rules only ask it questions (``table(ref)``,
``indexes_on(table)``, ``column(table, name)`` ...) and never re-derive schema state.

Model
=====

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

Name resolution
===============

Unqualified names resolve through ``search_path`` (default ``("public",)``), honouring
``SET search_path`` and pg_dump's ``SELECT pg_catalog.set_config('search_path', '', false)``;
``$user`` and ``pg_temp`` are ignored. Creation goes into the first schema of the path (or
``public`` when the path is empty); lookup tries each schema in order.

Generated names
===============

Unnamed constraints and indexes get PostgreSQL's generated names: ``{table}_pkey``,
``{table}_{cols}_key``, ``{table}_{cols}_idx``, ``{table}_{cols}_excl``, ``{table}_{cols}_fkey``,
``{table}_{col}_check`` (``{table}_check`` when the expression uses zero or several columns),
``{table}_{col}_seq``; truncated to 63 bytes the way ``makeObjectName`` does and numbered
(``_key1``...) on a clash, as ``ChooseRelationName`` does.

Foreign-key actions
===================

pglast reports ``fk_del_action``/``fk_upd_action`` ``'a'`` (NO ACTION) both when the action is
omitted and when ``ON DELETE NO ACTION`` is written: the raw parse tree cannot tell them apart.
:attr:`Constraint.on_delete` / :attr:`Constraint.on_update` are therefore ``None`` when the action
is NO ACTION (omitted or explicit) and the action name (``"cascade"``, ``"restrict"``,
``"set null"``, ``"set default"``) otherwise. A rule that must distinguish an explicit
``NO ACTION`` has to look at the statement text.

Volatile defaults
=================

A default is volatile (rewrites the table when added with ``ADD COLUMN``) when it calls one of
:data:`VOLATILE_FUNCTIONS` (``gen_random_uuid``, ``uuid_generate_v4``, ``random``,
``clock_timestamp``, ``nextval``, ``timeofday``...) or a function the catalog knows was created
``VOLATILE`` (the default volatility). ``now()``, ``current_timestamp`` and constants are not
volatile. Unknown functions are assumed non-volatile.

Binary-coercible type changes
=============================

:func:`is_binary_coercible` answers whether ``ALTER COLUMN ... TYPE`` can skip the table
rewrite. It returns True for:

- the same type (after normalisation);
- ``varchar(n)`` → ``varchar(m)`` with ``m >= n``, → ``varchar`` (unconstrained) or → ``text``;
- ``varchar`` (unconstrained) → ``text`` and ``text`` → ``varchar`` (no length);
- ``numeric(p,s)`` → ``numeric(p2,s)`` with ``p2 >= p`` and the same scale, or → ``numeric``;
- ``varbit(n)`` → ``varbit(m)`` with ``m >= n`` or → ``varbit``;
- ``cidr`` → ``inet``;
- ``timestamp``/``timestamptz``/``time``/``timetz`` with the fractional-second precision
  widened or dropped (``timestamp(3)`` → ``timestamp``); narrowing it rounds every value.

Everything else (including any array change) is treated as a rewrite.

Migration units
===============

:meth:`Catalog.begin_file` takes an optional unit key (``migration-unit`` in the config):
consecutive files with the same key form one unit, and :attr:`Origin.CURRENT_FILE` (so
``is_new``) means "created earlier in the current unit". A rule that needs "in this very file"
(the same transaction) compares ``obj.created.path`` with the file's path.

Absence
=======

:meth:`Catalog.relation_absent` says when ``DROP ... IF EXISTS name`` does nothing: the name
was dropped, renamed or moved away (the replay saw it go), or it was never created in a schema
whose whole content the replay knows (created by ``CREATE SCHEMA`` without IF NOT EXISTS,
dropped, or holding relations created by an earlier file of the run: ``--context``, earlier
checked files, a live database). A lone file proves nothing about names it never saw.

Statements that do not parse
============================

:meth:`Catalog.apply_unparsed` records what the header of a CREATE statement that did not
parse names (the engine reads it with :func:`pgarch_lint.sql.created_name`): a new table with
``columns_known`` False (rules treat its columns, constraints and indexes as partly unknown),
or an index/view name that may now exist (never proven absent).

Known gaps
==========

Expressions (index expressions, CHECK bodies, policy expressions, view queries) are stored as
deparsed text and are not rewritten when a column they mention is renamed. Triggers, rules,
foreign tables, publications and statistics objects are not modelled. ``DROP TYPE ... CASCADE``
does not drop the columns of that type.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from pgarch_lint.declared import DEFINING_NODES, Ledger, name_definitions
from pgarch_lint.sql import CreatedName, ast, deparse, enums, walk

__all__ = [
    "VOLATILE_FUNCTIONS",
    "Catalog",
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
    "is_binary_coercible",
    "make_object_name",
    "normalize_type",
]

NAMEDATALEN = 64

#: Built-in (and common extension) functions that are VOLATILE in pg_proc: a column default
#: that calls one of them is evaluated once per row, so ``ADD COLUMN`` rewrites the table.
VOLATILE_FUNCTIONS: frozenset[str] = frozenset(
    {
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "uuid_generate_v7",
        "uuidv4",
        "uuidv7",
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

# pglast's pg_catalog type names → the names PostgreSQL's format_type() shows (short forms).
_TYPE_NAMES: dict[str, str] = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "bpchar": "char",
    "varchar": "varchar",
    "timestamptz": "timestamptz",
    "timestamp": "timestamp",
    "timetz": "timetz",
    "time": "time",
    "interval": "interval",
    "numeric": "numeric",
    "bit": "bit",
    "varbit": "varbit",
}
_SERIALS = {
    "serial": "serial",
    "serial4": "serial",
    "bigserial": "bigserial",
    "serial8": "bigserial",
    "smallserial": "smallserial",
    "serial2": "smallserial",
}
_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "float8": "double precision",
    "float4": "real",
    "bool": "boolean",
    "character varying": "varchar",
    "character": "char",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "decimal": "numeric",
    "bit varying": "varbit",
    "bpchar": "char",
}

# a default's text as the catalog deparses it: [schema.]function(arguments)
_CALL_TEXT = re.compile(r'(?:(?:"[^"]+"|[\w$]+)\.)?(?:"([^"]+)"|([\w$]+))\((.*)\)', re.DOTALL)
_FK_ACTIONS = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_FK_MATCH = {"s": "simple", "f": "full", "p": "partial"}


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

    def __set__(self, obj: Any, value: str | None) -> None:
        setattr(obj, self.slot, value)


@dataclass(slots=True, kw_only=True)
class Column(Tracked):
    """A table column as the replayed DDL left it."""

    name: str
    type: str  # normalised: integer, bigint, varchar(10), numeric(10,2), text[], timestamptz
    not_null: bool = False
    default_: Any = field(default=None, repr=False)  # see `default`
    default_volatile: bool = False
    serial: bool = False  # declared serial/bigserial/smallserial (``type`` keeps that name)
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # "stored" | "virtual"
    generated_expr_: Any = field(default=None, repr=False)  # see `generated_expr`
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
        return _s(raw.funcname[-1]).lower(), len(raw.args or ())

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
    expression_: Any = field(default=None, repr=False)  # see `expression`
    expr: Any = field(default=None, repr=False, compare=False)  # CHECK expression AST node
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
    predicate_node: Any = field(default=None, repr=False, compare=False)
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
    using_node: Any = field(default=None, repr=False, compare=False)
    with_check_node: Any = field(default=None, repr=False, compare=False)


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
    query: Any = field(default=None, repr=False, compare=False)
    check_option: str | None = None  # local | cascaded
    indexes: dict[str, Index] = field(default_factory=dict)  # materialized views only
    with_data: bool = True

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


# --- helpers ---------------------------------------------------------------------------------


def _s(node: Any) -> str:
    """The text of a String/Integer/Float/Boolean value node or A_Const."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    if isinstance(node, ast.A_Const):
        return "null" if node.isnull else _s(node.val)
    if isinstance(node, ast.String):
        return node.sval or ""
    if isinstance(node, ast.Integer):
        return str(node.ival)
    if isinstance(node, ast.Float):
        return str(node.fval)
    if isinstance(node, ast.Boolean):
        return "true" if node.boolval else "false"
    if isinstance(node, ast.TypeName):
        return normalize_type(node)
    if isinstance(node, (tuple, list)):
        return ".".join(_s(x) for x in node)
    return deparse(node)


def _names(items: Any) -> list[str]:
    return [_s(x) for x in (items or ())]


def _ename(value: Any) -> str:
    return str(getattr(value, "name", value))


def _clip(name: str, nbytes: int) -> str:
    raw = name.encode()
    if len(raw) <= nbytes:
        return name
    return raw[: max(nbytes, 0)].decode("utf-8", "ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` truncated to 63 bytes."""
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    overhead = (len(label) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [_clip(name1, n1)]
    if name2:
        parts.append(_clip(name2, n2))
    if label:
        parts.append(label)
    return "_".join(parts)


def _name_addition(names: Iterable[str]) -> str:
    """``ChooseIndexNameAddition``: names joined by ``_``, cut at NAMEDATALEN."""
    buf = ""
    for n in names:
        buf = n if not buf else f"{buf}_{n}"
        if len(buf.encode()) >= NAMEDATALEN - 1:
            return _clip(buf, NAMEDATALEN - 1)
    return buf


def _figure_colname(node: Any) -> str:
    if isinstance(node, ast.ColumnRef):
        last = node.fields[-1] if node.fields else None
        return _s(last) if isinstance(last, ast.String) else "expr"
    if isinstance(node, ast.FuncCall):
        return _s(node.funcname[-1]) if node.funcname else "expr"
    if isinstance(node, ast.TypeCast):
        inner = _figure_colname(node.arg)
        if inner != "expr":
            return inner
        return _s(node.typeName.names[-1]) if node.typeName and node.typeName.names else "expr"
    if isinstance(node, ast.CoalesceExpr):
        return "coalesce"
    if isinstance(node, ast.CaseExpr):
        return "case"
    if isinstance(node, ast.MinMaxExpr):
        return "greatest" if _ename(node.op) == "IS_GREATEST" else "least"
    return "expr"


def normalize_type(tn: Any) -> str:
    """A TypeName as text: ``integer``, ``varchar(10)``, ``numeric(10,2)``, ``text[]``..."""
    if tn is None:
        return ""
    names = [_s(n) for n in (tn.names or ())]
    if not names:
        return ""
    if len(names) == 2 and names[0] == "pg_catalog":
        base = _TYPE_NAMES.get(names[1], names[1])
    elif len(names) == 1:
        base = _SERIALS.get(names[0]) or _ALIASES.get(names[0], names[0])
    else:
        base = ".".join(names)
    mods = []
    for m in tn.typmods or ():
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer):
            mods.append(str(m.val.ival))
        elif isinstance(m, ast.A_Const):
            mods.append(_s(m))
        elif isinstance(m, ast.ColumnRef):
            mods.append(_s(m.fields[-1]) if m.fields else "")
    text = base
    if mods and base != "interval":
        text = f"{base}({','.join(mods)})"
    if tn.pct_type:
        text += "%type"
    dims = len(tn.arrayBounds or ())
    if tn.setof:
        text = "setof " + text
    return text + "[]" * dims


def _split_type(t: str) -> tuple[str, list[int] | None]:
    if "(" not in t or not t.endswith(")"):
        return t, None
    base, _, rest = t.partition("(")
    try:
        return base, [int(x) for x in rest[:-1].split(",")]
    except ValueError:
        return t, None


def is_binary_coercible(old_type: str, new_type: str) -> bool:
    """Can ``ALTER COLUMN ... TYPE old → new`` skip the table rewrite? (see module doc)."""
    old = old_type.strip().lower()
    new = new_type.strip().lower()
    for a, b in _ALIASES.items():
        if old == a:
            old = b
        if new == a:
            new = b
    if old == new:
        return True
    if old.endswith("[]") or new.endswith("[]"):
        return False
    ob, om = _split_type(old)
    nb, nm = _split_type(new)
    if ob == "varchar":
        if nb == "text" and nm is None:
            return True
        if nb == "varchar":
            return nm is None or (om is not None and nm[0] >= om[0])
        return False
    if ob == "text":
        return nb == "varchar" and nm is None
    if ob == "numeric" and nb == "numeric":
        if nm is None:
            return True
        if om is None:
            return False
        os_ = om[1] if len(om) > 1 else 0
        ns = nm[1] if len(nm) > 1 else 0
        return nm[0] >= om[0] and os_ == ns
    if ob == "varbit" and nb == "varbit":
        return nm is None or (om is not None and nm[0] >= om[0])
    if ob == nb and ob in ("timestamp", "timestamptz", "time", "timetz"):
        return nm is None or (om is not None and nm[0] >= om[0])
    return ob == "cidr" and nb == "inet" and om is None and nm is None


def _column_refs(node: Any) -> list[str]:
    """Distinct column names referenced by an expression, in order of appearance."""
    out: list[str] = []
    for n, _ in walk(node):
        if isinstance(n, ast.ColumnRef) and n.fields:
            last = n.fields[-1]
            if isinstance(last, ast.String) and (name := _s(last)) not in out:
                out.append(name)
    return out


def _parse_search_path(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in text.split(","):
        p = part.strip()
        if not p:
            continue
        if len(p) >= 2 and p[0] == '"' and p[-1] == '"':
            p = p[1:-1].replace('""', '"')
        else:
            p = p.lower()
        out.append(p)
    return tuple(out)


def _role_name(spec: Any) -> str:
    if isinstance(spec, ast.RoleSpec):
        kind = _ename(spec.roletype)
        if kind == "ROLESPEC_PUBLIC":
            return "public"
        if kind == "ROLESPEC_CURRENT_USER":
            return "current_user"
        if kind == "ROLESPEC_SESSION_USER":
            return "session_user"
        if kind == "ROLESPEC_CURRENT_ROLE":
            return "current_role"
        return spec.rolename or ""
    return _s(spec)


def _defelems(options: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in options or ():
        if isinstance(d, ast.DefElem) and d.defname:
            out[d.defname] = d.arg
    return out


# --- the catalog -----------------------------------------------------------------------------

Key = tuple[str, str]


class Catalog:
    """The replayed schema. See the module docstring for the model and its limits."""

    def __init__(self) -> None:
        self.search_path: tuple[str, ...] = ("public",)
        self.schemas: dict[str, Schema] = {}
        self._tables: dict[Key, Table] = {}
        self._views: dict[Key, View] = {}
        self._sequences: dict[Key, Sequence] = {}
        self._index_rel: dict[Key, Key] = {}  # (schema, index) -> (schema, relation)
        self._types: dict[Key, TypeDef] = {}
        self._functions: dict[tuple[str, str, tuple[str, ...]], Function] = {}
        self.extensions: dict[str, Extension] = {}
        self.roles: dict[str, Role] = {}
        self.grants: list[Grant] = []
        self.unknown_references: list[tuple[str, Loc]] = []
        self.errors: int = 0  # statements whose replay raised internally (and were skipped)
        self.failures: list[tuple[str, Loc]] = []  # (exception text, statement), first 100
        self._file_index = -1
        self._path = ""
        self._context = False
        self._loc: Loc | None = None
        self._first_change: dict[str, int] = {}  # path → first statement that changed an object
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
        self.derived: dict[tuple[Any, ...], Any] = {}
        # migration units (see begin_file): the first file of the current unit
        self._unit: str | None = None
        self._unit_start = -1
        # what the replay proves absent (see relation_absent): relation names ever held,
        # names a DROP removed, names a statement that did not parse may have created, the
        # first file that created a relation in each schema, schemas created empty by the
        # replay, schemas dropped or renamed away
        self._ever: set[Key] = set()
        self._dropped: set[Key] = set()
        self._maybe: set[Key] = set()
        self._schema_first_file: dict[str, int] = {}
        self._fresh_schemas: set[str] = set()
        self._gone_schemas: set[str] = set()

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

    def apply(self, node: Any, loc: Loc, base: int | None = None) -> None:
        """Replay one statement. Never raises: anything not understood is ignored.

        ``base`` is the offset the node's locations are relative to (None when they are not
        exact): declared names are recorded with their own position when it is known.
        """
        self._loc = loc
        try:
            if type(node).__name__ in _DECLARING:
                for d in name_definitions(node, self, loc, base, self._context):
                    self.names.add(d)
            self._apply(node)
        except Exception as exc:  # never let a statement break the run
            self.errors += 1
            if len(self.failures) < 100:
                self.failures.append((f"{type(exc).__name__}: {exc}", loc))
        finally:
            self._loc = None

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
                if not self._rel_exists(self._key_of(rv)):
                    self._new_table(rv).columns_known = False
            elif created.kind == "index":
                ts = created.table[-2] if len(created.table) > 1 else None
                tkey = self.resolve(ts, created.table[-1])
                if not self._rel_exists((tkey[0], name)):
                    self._maybe.add((tkey[0], name))
            else:
                key = self.resolve(schema, name)
                if not self._rel_exists(key):
                    self._maybe.add(key)
        except Exception as exc:  # like apply(): never let a statement break the run
            self.errors += 1
            if len(self.failures) < 100:
                self.failures.append((f"{type(exc).__name__}: {exc}", loc))
        finally:
            self._loc = None

    # --- name resolution ---------------------------------------------------------------------

    @property
    def creation_schema(self) -> str:
        return self.search_path[0] if self.search_path else "public"

    def _lookup(self, mapping: Any, schema: str | None, name: str) -> Key:
        if schema:
            return (schema, name)
        for s in self.search_path:
            if (s, name) in mapping:
                return (s, name)
        return (self.creation_schema, name)

    def _rel_exists(self, key: Key) -> bool:
        return (
            key in self._tables
            or key in self._views
            or key in self._sequences
            or key in self._index_rel
        )

    def resolve(self, schema: str | None, name: str) -> tuple[str, str]:
        """Resolve a relation name (table, view, sequence) through the search path."""
        if schema:
            return (schema, name)
        for s in self.search_path:
            k = (s, name)
            if k in self._tables or k in self._views or k in self._sequences:
                return k
        return (self.creation_schema, name)

    def _split(self, qualified: str) -> tuple[str | None, str]:
        if "." in qualified:
            s, _, n = qualified.partition(".")
            return s, n
        return None, qualified

    def _key_of(self, ref: Any) -> Key:
        return self.resolve(ref.schemaname or None, ref.relname or "")

    def _qname_list(self, names: Any) -> tuple[str | None, str]:
        parts = _names(names)
        if not parts:
            return None, ""
        if len(parts) == 1:
            return None, parts[0]
        return parts[-2], parts[-1]

    # --- queries: relations --------------------------------------------------------------------

    def table(self, ref: ast.RangeVar) -> Table | None:
        """The table a RangeVar names, or None when the catalog never saw it created."""
        return self._tables.get(self._key_of(ref))

    def table_by_name(self, name: str) -> Table | None:
        """A table by ``"schema.name"`` or unqualified ``"name"`` (resolved via search_path)."""
        s, n = self._split(name)
        return self._tables.get(self.resolve(s, n))

    def tables(self) -> list[Table]:
        return list(self._tables.values())

    def relation(self, ref: ast.RangeVar) -> Table | View | Sequence | None:
        """The table, view or sequence a RangeVar names."""
        k = self._key_of(ref)
        return self._tables.get(k) or self._views.get(k) or self._sequences.get(k)

    def view(self, ref: ast.RangeVar | str) -> View | None:
        if isinstance(ref, str):
            s, n = self._split(ref)
            return self._views.get(self.resolve(s, n))
        return self._views.get(self._key_of(ref))

    def views(self) -> list[View]:
        return list(self._views.values())

    def sequence(self, name: str) -> Sequence | None:
        s, n = self._split(name)
        return self._sequences.get(self.resolve(s, n))

    def sequences(self) -> list[Sequence]:
        return list(self._sequences.values())

    def column(self, table: Table | View | None, name: str) -> Column | None:
        if isinstance(table, Table):
            return table.columns.get(name)
        return None

    def index(self, name: str) -> Index | None:
        """An index by ``"schema.name"`` or ``"name"``."""
        s, n = self._split(name)
        k = self._lookup(self._index_rel, s, n)
        return self._index_obj(k)

    def _index_obj(self, k: Key) -> Index | None:
        rk = self._index_rel.get(k)
        if rk is None:
            return None
        rel = self._tables.get(rk) or self._views.get(rk)
        return rel.indexes.get(k[1]) if rel is not None else None

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
        unit, see :meth:`begin_file`)."""
        return self.origin(ref) is Origin.CURRENT_FILE

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
        schemas = [s] if s else list(self.search_path) or [self.creation_schema]
        for sch in schemas:
            k = (sch, n)
            if self._rel_exists(k) or k in self._maybe:
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

    def _occupy(self, key: Key) -> None:
        """A relation now holds ``key`` (created, renamed or moved there)."""
        self._ever.add(key)
        self._schema_first_file.setdefault(key[0], self._file_index)

    # --- queries: other objects ----------------------------------------------------------------

    def functions(self) -> list[Function]:
        return list(self._functions.values())

    def function(self, name: str, argtypes: Iterable[str] | None = None) -> Function | None:
        """A function/procedure by (qualified) name; with ``argtypes`` the exact overload."""
        s, n = self._split(name)
        schemas = [s] if s else list(self.search_path) or ["public"]
        want = tuple(argtypes) if argtypes is not None else None
        for sch in schemas:
            for (fs, fn, fa), f in self._functions.items():
                if fs == sch and fn == n and (want is None or fa == want):
                    return f
        return None

    def types(self) -> list[TypeDef]:
        return list(self._types.values())

    def type(self, name: str) -> TypeDef | None:
        s, n = self._split(name)
        return self._types.get(self._lookup(self._types, s, n))

    def enum_type(self, name: str) -> TypeDef | None:
        t = self.type(name)
        return t if t is not None and t.kind == "enum" else None

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

    # --- bookkeeping -------------------------------------------------------------------------

    def _stamp(self, obj: Tracked) -> None:
        obj.created = self._loc
        obj.file_index = self._file_index
        obj.context = self._context
        self._note_change()

    def _touch(self, obj: Tracked) -> None:
        obj.touch(self._loc)
        self._note_change()

    def _note_change(self) -> None:
        loc = self._loc
        if loc is not None and loc.path not in self._first_change:
            self._first_change[loc.path] = loc.start

    def first_change_in(self, path: str) -> int | None:
        """Offset of the first statement of file ``path`` that created or altered an object
        (``None`` if none did yet)."""
        return self._first_change.get(path)

    def _stamped(self, col: Column) -> Column:
        self._stamp(col)
        return col

    def _unknown(self, name: str) -> None:
        if self._loc is not None:
            self.unknown_references.append((name, self._loc))

    # --- dispatch ----------------------------------------------------------------------------

    def _apply(self, node: Any) -> None:
        handler = _HANDLERS.get(type(node).__name__)
        if handler is not None:
            handler(self, node)

    # --- search_path -------------------------------------------------------------------------

    def _set_path(self, values: Iterable[str]) -> None:
        self.search_path = tuple(v for v in values if v and v not in ("$user", "pg_temp"))

    def _on_VariableSetStmt(self, node: Any) -> None:
        if (node.name or "").lower() != "search_path":
            return
        kind = _ename(node.kind)
        if kind in ("VAR_SET_DEFAULT", "VAR_RESET", "VAR_RESET_ALL"):
            self.search_path = ("public",)
        elif kind == "VAR_SET_VALUE":
            self._set_path(_s(a) for a in node.args or ())

    def _on_SelectStmt(self, node: Any) -> None:
        if node.intoClause is not None:
            self._create_table_as(node.intoClause, node, matview=False, if_not_exists=False)
            return
        for tgt in node.targetList or ():
            fc: Any = getattr(tgt, "val", None)
            if not isinstance(fc, ast.FuncCall):
                continue
            fname: Any = fc.funcname or ("",)
            fargs: Any = fc.args or ()
            if _s(fname[-1]) != "set_config" or len(fargs) < 2:
                continue
            if _s(fargs[0]) == "search_path" and isinstance(fargs[1], ast.A_Const):
                self._set_path(_parse_search_path(_s(fargs[1])))

    # --- schemas -----------------------------------------------------------------------------

    def _on_CreateSchemaStmt(self, node: Any) -> None:
        name = node.schemaname or (_role_name(node.authrole) if node.authrole else "")
        if not name:
            return
        if name not in self.schemas and (not node.if_not_exists or name in self._gone_schemas):
            self._fresh_schemas.add(name)  # created now: the replay sees all it will hold
        self._gone_schemas.discard(name)
        if name in self.schemas:
            if not node.if_not_exists:
                self._touch(self.schemas[name])
        else:
            sch = Schema(name=name, owner=_role_name(node.authrole) if node.authrole else None)
            self._stamp(sch)
            self.schemas[name] = sch
        if node.schemaElts:
            saved = self.search_path
            self.search_path = (name, *saved)
            try:
                for elt in node.schemaElts:
                    self._apply(elt)
            finally:
                self.search_path = saved

    # --- tables ------------------------------------------------------------------------------

    def _new_table(self, rv: Any) -> Table:
        key = self._key_of(rv)
        if key in self._tables:
            self._drop_table(key, cascade=False)
        persistence = {"u": "unlogged", "t": "temporary"}.get(rv.relpersistence or "p", "permanent")
        t = Table(schema=key[0], name=key[1], persistence=persistence)
        self._stamp(t)
        self._tables[key] = t
        self._occupy(key)
        return t

    def _on_CreateStmt(self, node: Any) -> None:
        rv = node.relation
        key = self._key_of(rv)
        if key in self._tables and node.if_not_exists:
            return
        t = self._new_table(rv)
        parent: Table | None = None
        if node.partbound is not None and node.inhRelations:
            pref = node.inhRelations[0]
            pkey = self._key_of(pref)
            parent = self._tables.get(pkey)
            t.partition_of = f"{pkey[0]}.{pkey[1]}"
            self._hierarchy = True
            t.partition_bound = _partbound_text(node.partbound)
            if parent is None:
                self._unknown(t.partition_of)
            else:
                for c in parent.columns.values():
                    t.columns[c.name] = self._stamped(_copy_column(c, with_default=True))
        else:
            for ref in node.inhRelations or ():
                pk = self._key_of(ref)
                t.inherits.append(f"{pk[0]}.{pk[1]}")
                self._hierarchy = True
                par = self._tables.get(pk)
                if par is None:
                    self._unknown(f"{pk[0]}.{pk[1]}")
                    continue
                for c in par.columns.values():
                    if c.name not in t.columns:
                        t.columns[c.name] = self._stamped(_copy_column(c, with_default=True))
        if node.partspec is not None:
            t.partitioned = True
            strategy = str(getattr(node.partspec.strategy, "value", node.partspec.strategy))
            t.partition_strategy = {"r": "range", "l": "list", "h": "hash"}.get(strategy)
            for pe in node.partspec.partParams or ():
                t.partition_key.append(pe.name if pe.name else f"({deparse(pe.expr)})")
        if node.ofTypename is not None:
            ty = self._types.get(self._type_key(node.ofTypename))
            if ty is not None:
                for a in ty.attributes:
                    t.columns[a.name] = self._stamped(_copy_column(a, with_default=False))
        pending: list[tuple[Any, list[str] | None]] = []
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                if parent is not None and elt.colname in t.columns:
                    # partition column options (WITH OPTIONS ...): constraints only
                    for con in elt.constraints or ():
                        pending.append((con, [elt.colname]))
                    continue
                pending.extend(self._add_column(t, elt, defer=True))
            elif isinstance(elt, ast.Constraint):
                pending.append((elt, None))
            elif isinstance(elt, ast.TableLikeClause):
                self._like(t, elt)
        for con, cols in pending:
            self._add_constraint(t, con, cols)
        if parent is not None:
            self._clone_partition_objects(parent, t)
        if t.partition_of is not None and parent is not None:
            self._touch(parent)

    def _like(self, t: Table, like: Any) -> None:
        src = self._tables.get(self._key_of(like.relation))
        if src is None:
            self._unknown(".".join(self._key_of(like.relation)))
            return
        opts = int(like.options or 0)
        TLO = enums.TableLikeOption
        defaults = bool(opts & int(TLO.CREATE_TABLE_LIKE_DEFAULTS))
        for c in src.columns.values():
            nc = self._stamped(_copy_column(c, with_default=defaults))
            if not opts & int(TLO.CREATE_TABLE_LIKE_IDENTITY):
                nc.identity = None
            if not opts & int(TLO.CREATE_TABLE_LIKE_GENERATED):
                nc.generated = None
                nc.generated_expr = None
            if not opts & int(TLO.CREATE_TABLE_LIKE_COMMENTS):
                nc.comment = None
            t.columns[nc.name] = nc
        if opts & int(TLO.CREATE_TABLE_LIKE_CONSTRAINTS):
            for con in src.constraints.values():
                if con.kind == "check":
                    self._put_constraint(t, _copy_constraint(con, t.qualified, con.name))
        if opts & int(TLO.CREATE_TABLE_LIKE_INDEXES):
            for ix in list(src.indexes.values()):
                self._clone_index(ix, t, with_constraint=True)

    def _clone_partition_objects(self, parent: Table, child: Table) -> None:
        for ix in list(parent.indexes.values()):
            new = self._clone_index(ix, child, with_constraint=True)
            if new is not None:
                new.parent = ix.qualified
        for c in parent.constraints.values():
            if c.kind in ("foreign key", "check") and c.name not in child.constraints:
                self._put_constraint(child, _copy_constraint(c, child.qualified, c.name))

    def _clone_index(self, ix: Index, t: Table, *, with_constraint: bool) -> Index | None:
        label = "pkey" if ix.primary else ("key" if ix.constraint and ix.unique else "idx")
        if ix.constraint and not ix.unique and not ix.primary:
            label = "excl"
        addition = (
            None
            if ix.primary
            else _name_addition(ix.attnames or [k.column or "expr" for k in ix.keys])
        )
        name = self._choose_relation_name(t.schema, t.name, addition, label)
        new = Index(
            schema=t.schema,
            name=name,
            table=t.qualified,
            method=ix.method,
            keys=[IndexKey(**{s: getattr(k, s) for s in IndexKey.__slots__}) for k in ix.keys],
            include=list(ix.include),
            predicate=ix.predicate,
            predicate_node=ix.predicate_node,
            unique=ix.unique,
            primary=ix.primary,
            nulls_not_distinct=ix.nulls_not_distinct,
            attnames=list(ix.attnames),
        )
        self._stamp(new)
        self._put_index(t, new)
        if with_constraint and ix.constraint:
            src = self._tables.get(self.resolve(*self._split(ix.table)))
            con = src.constraints.get(ix.constraint) if src else None
            if con is not None:
                nc = _copy_constraint(con, t.qualified, name)
                nc.index = name
                new.constraint = name
                self._put_constraint(t, nc)
        return new

    def _add_column(
        self, t: Table, cd: Any, *, defer: bool = False
    ) -> list[tuple[Any, list[str] | None]]:
        """Add a ColumnDef; returns its key/check/FK constraints (applied now unless defer)."""
        tname = normalize_type(cd.typeName)
        col = Column(name=cd.colname or "", type=tname)
        self._stamp(col)
        if tname in ("serial", "bigserial", "smallserial"):
            col.serial = True
            col.not_null = True
            seq = self._make_implicit_sequence(t, col.name)
            col.default = f"nextval('{seq}'::regclass)"
            col.default_volatile = True
        if cd.is_not_null:
            col.not_null = True
        if cd.collClause is not None:
            col.collation = ".".join(_names(cd.collClause.collname))
        if cd.raw_default is not None:
            self._set_default(col, cd.raw_default)
        t.columns[col.name] = col
        pending: list[tuple[Any, list[str] | None]] = []
        prev: Any = None
        for con in cd.constraints or ():
            ct = _ename(con.contype)
            if ct == "CONSTR_NOTNULL":
                col.not_null = True
                if con.conname:
                    pending.append((con, [col.name]))
            elif ct == "CONSTR_NULL":
                col.not_null = False
            elif ct == "CONSTR_DEFAULT":
                self._set_default(col, con.raw_expr)
            elif ct == "CONSTR_IDENTITY":
                col.identity = "always" if con.generated_when == "a" else "by default"
                col.not_null = True
                self._make_implicit_sequence(t, col.name)
            elif ct == "CONSTR_GENERATED":
                col.generated = "virtual" if con.generated_kind == "v" else "stored"
                col.generated_expr_ = con.raw_expr  # deparsed when read
            elif ct in (
                "CONSTR_ATTR_DEFERRABLE",
                "CONSTR_ATTR_NOT_DEFERRABLE",
                "CONSTR_ATTR_DEFERRED",
                "CONSTR_ATTR_IMMEDIATE",
                "CONSTR_ATTR_ENFORCED",
                "CONSTR_ATTR_NOT_ENFORCED",
            ):
                if prev is not None:
                    _apply_attr(prev, ct)
                continue
            elif ct in (
                "CONSTR_PRIMARY",
                "CONSTR_UNIQUE",
                "CONSTR_CHECK",
                "CONSTR_FOREIGN",
                "CONSTR_EXCLUSION",
            ):
                pending.append((con, [col.name]))
                prev = con
                continue
            prev = None
        if not defer:
            # attribute markers were applied to the AST nodes in place above
            for con, cols in pending:
                self._add_constraint(t, con, cols)
            return []
        return pending

    def _set_default(self, col: Column, expr: Any) -> None:
        col.default_ = expr  # deparsed when read
        col.default_volatile = self._is_volatile(expr)

    def _is_volatile(self, expr: Any) -> bool:
        return self.volatile_call(expr) is not None

    def volatile_call(self, expr: Any) -> str | None:
        """The first function ``expr`` calls that is VOLATILE (a known built-in, or a function
        this catalog saw created VOLATILE), as its bare name; None when there is none.
        Functions never seen are taken as not volatile."""
        for n, _ in walk(expr):
            if isinstance(n, ast.FuncCall) and n.funcname:
                fname = _s(n.funcname[-1]).lower()
                if fname in VOLATILE_FUNCTIONS:
                    return fname
                f = self.function(".".join(_names(n.funcname)))
                if f is not None and f.volatility == "volatile":
                    return fname
        return None

    def _make_implicit_sequence(self, t: Table, col: str) -> str:
        name = self._choose_relation_name(t.schema, t.name, col, "seq")
        seq = Sequence(schema=t.schema, name=name, implicit=True)
        self._own(seq, f"{t.qualified}.{col}")
        self._stamp(seq)
        self._sequences[(t.schema, name)] = seq
        self._occupy((t.schema, name))
        return name

    def _choose_relation_name(self, schema: str, name1: str, name2: str | None, label: str) -> str:
        n = 0
        while True:
            lab = label if n == 0 else f"{label}{n}"
            cand = make_object_name(name1, name2, lab)
            if not self._rel_exists((schema, cand)):
                return cand
            n += 1

    def _choose_constraint_name(self, t: Table, name2: str | None, label: str) -> str:
        n = 0
        while True:
            lab = label if n == 0 else f"{label}{n}"
            cand = make_object_name(t.name, name2, lab)
            if cand not in t.constraints:
                return cand
            n += 1

    def _put_constraint(self, t: Table, c: Constraint) -> None:
        t.constraints[c.name] = c
        if c.kind == "foreign key" and c.ref_table:
            self._fk_by_target.setdefault(c.ref_table, []).append(c)

    def _own(self, seq: Sequence, owner: str) -> None:
        """``ALTER SEQUENCE ... OWNED BY owner`` (``schema.table.column``)."""
        seq.owned_by = owner
        self._seq_by_owner.setdefault(owner, []).append(seq)

    def _put_index(self, rel: Table | View, ix: Index) -> None:
        rel.indexes[ix.name] = ix
        self._index_rel[(ix.schema, ix.name)] = (rel.schema, rel.name)
        self._occupy((ix.schema, ix.name))

    def _add_constraint(self, t: Table, con: Any, cols: list[str] | None) -> Constraint | None:
        ct = _ename(con.contype)
        kind = {
            "CONSTR_PRIMARY": "primary key",
            "CONSTR_UNIQUE": "unique",
            "CONSTR_FOREIGN": "foreign key",
            "CONSTR_CHECK": "check",
            "CONSTR_EXCLUSION": "exclude",
            "CONSTR_NOTNULL": "not null",
        }.get(ct)
        if kind is None:
            return None
        c = Constraint(name="", kind=kind, table=t.qualified)
        self._stamp(c)
        c.deferrable = bool(con.deferrable)
        c.initially_deferred = bool(con.initdeferred)
        if kind in ("check", "foreign key", "not null"):
            c.enforced = bool(con.is_enforced) if con.is_enforced is not None else True
            c.not_valid = bool(con.skip_validation)
            c.validated = bool(con.initially_valid) and not con.skip_validation
        if kind in ("primary key", "unique"):
            c.columns = _names(con.keys) if con.keys else list(cols or [])
            c.include = _names(con.including)
            c.nulls_not_distinct = bool(con.nulls_not_distinct)
            c.using_index = con.indexname or None
        elif kind == "exclude":
            c.columns = []
            for pair in con.exclusions or ():
                elem = pair[0]
                c.columns.append(elem.name if elem.name else f"({deparse(elem.expr)})")
            if con.where_clause is not None:
                c.expression_ = con.where_clause
        elif kind == "foreign key":
            c.columns = _names(con.fk_attrs) if con.fk_attrs else list(cols or [])
            rk = self._key_of(con.pktable)
            c.ref_table = f"{rk[0]}.{rk[1]}"
            ref = self._tables.get(rk)
            if ref is None:
                self._unknown(c.ref_table)
            c.ref_columns = _names(con.pk_attrs)
            if not c.ref_columns and ref is not None and ref.primary_key is not None:
                c.ref_columns = list(ref.primary_key.columns)
            c.on_delete = _FK_ACTIONS.get(con.fk_del_action or "a")
            c.on_update = _FK_ACTIONS.get(con.fk_upd_action or "a")
            c.match = _FK_MATCH.get(con.fk_matchtype or "s", "simple")
        elif kind == "check":
            c.expr = con.raw_expr
            c.expression_ = con.raw_expr
            refs = _column_refs(con.raw_expr) if con.raw_expr is not None else []
            c.columns = refs
            c.proves_not_null = [r for r in refs if _proves_not_null(con.raw_expr, r)]
        elif kind == "not null":
            c.columns = _names(con.keys) if con.keys else list(cols or [])
            for cn in c.columns:
                if cn in t.columns:
                    t.columns[cn].not_null = True
        # name
        if con.conname:
            c.name = con.conname
        elif kind == "primary key":
            c.name = self._choose_relation_name(t.schema, t.name, None, "pkey")
        elif kind in ("unique", "exclude"):
            c.name = self._choose_relation_name(
                t.schema,
                t.name,
                _name_addition(
                    c.columns
                    if kind == "unique"
                    else [x if not x.startswith("(") else "expr" for x in c.columns]
                ),
                "key" if kind == "unique" else "excl",
            )
        elif kind == "foreign key":
            c.name = self._choose_constraint_name(t, _name_addition(c.columns), "fkey")
        elif kind == "check":
            one = c.columns[0] if len(c.columns) == 1 else None
            c.name = self._choose_constraint_name(t, one, "check")
        else:
            c.name = self._choose_constraint_name(
                t, c.columns[0] if c.columns else None, "not_null"
            )
        if kind in ("primary key", "unique", "exclude"):
            self._constraint_index(t, c, con)
            if kind == "primary key":
                for cn in c.columns:
                    if cn in t.columns:
                        t.columns[cn].not_null = True
        self._put_constraint(t, c)
        return c

    def _constraint_index(self, t: Table, c: Constraint, con: Any) -> None:
        if c.using_index:
            ix = t.indexes.get(c.using_index)
            if ix is None:
                self._unknown(f"{t.schema}.{c.using_index}")
                c.index = None
                return
            # PostgreSQL renames the index to the constraint's name
            if ix.name != c.name:
                self._rename_index(t, ix, c.name)
            ix.constraint = c.name
            ix.primary = c.kind == "primary key"
            ix.unique = True
            c.index = ix.name
            if not c.columns:
                c.columns = [k.text for k in ix.keys]
            return
        ix = Index(schema=t.schema, name=c.name, table=t.qualified, constraint=c.name)
        self._stamp(ix)
        ix.unique = c.kind != "exclude"
        ix.primary = c.kind == "primary key"
        ix.nulls_not_distinct = c.nulls_not_distinct
        ix.include = list(c.include)
        if c.kind == "exclude":
            ix.method = con.access_method or "gist"
            for pair in con.exclusions or ():
                ix.keys.append(_index_key(pair[0]))
            if con.where_clause is not None:
                ix.predicate = deparse(con.where_clause)
                ix.predicate_node = con.where_clause
        else:
            ix.keys = [IndexKey(column=cn) for cn in c.columns]
        c.index = ix.name
        if (t.schema, ix.name) in self._index_rel:
            self._drop_index_key((t.schema, ix.name))
        self._put_index(t, ix)

    def _on_CreateTableAsStmt(self, node: Any) -> None:
        matview = _ename(node.objtype) == "OBJECT_MATVIEW"
        self._create_table_as(
            node.into, node.query, matview=matview, if_not_exists=bool(node.if_not_exists)
        )

    def _create_table_as(
        self, into: Any, query: Any, *, matview: bool, if_not_exists: bool
    ) -> None:
        rv = into.rel
        key = self._key_of(rv)
        if matview:
            if key in self._views and if_not_exists:
                return
            v = self._make_view(rv, query, into.options, matview=True)
            v.columns = _names(into.colNames)
            v.with_data = not into.skipData
            return
        if key in self._tables and if_not_exists:
            return
        t = self._new_table(rv)
        t.from_query = True
        names = _names(into.colNames)
        cols = self._query_columns(query)
        for i, (cname, ctype) in enumerate(cols):
            n = names[i] if i < len(names) else cname
            if n and n not in t.columns:
                c = Column(name=n, type=ctype)
                self._stamp(c)
                t.columns[n] = c

    def _query_columns(self, query: Any) -> list[tuple[str, str]]:
        """Best-effort output columns of a SELECT (name, type or '' when unknown)."""
        out: list[tuple[str, str]] = []
        if not isinstance(query, ast.SelectStmt):
            return out
        sources: list[Table] = []
        for f in query.fromClause or ():
            if isinstance(f, ast.RangeVar):
                src = self.table(f)
                if src is not None:
                    sources.append(src)
        for tgt in query.targetList or ():
            val = tgt.val
            if (
                isinstance(val, ast.ColumnRef)
                and val.fields
                and isinstance(val.fields[-1], ast.A_Star)
            ):
                for src in sources:
                    out.extend((c.name, c.type) for c in src.columns.values())
                continue
            name = tgt.name or _figure_colname(val)
            ctype = ""
            if isinstance(val, ast.TypeCast):
                ctype = normalize_type(val.typeName)
            elif isinstance(val, ast.ColumnRef):
                for src in sources:
                    col = src.columns.get(name if not tgt.name else _figure_colname(val))
                    if col is not None:
                        ctype = col.type
                        break
            out.append((name, ctype))
        return out

    # --- ALTER TABLE -------------------------------------------------------------------------

    def _on_AlterTableStmt(self, node: Any) -> None:
        objtype = _ename(node.objtype)
        if objtype == "OBJECT_INDEX":
            self._alter_index(node)
            return
        key = self._key_of(node.relation)
        if objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            v = self._views.get(key)
            if v is None:
                self._unknown(f"{key[0]}.{key[1]}")
                return
            self._touch(v)
            for cmd in node.cmds or ():
                st = _ename(cmd.subtype)
                if st == "AT_SetRelOptions":
                    for d in cmd.def_ or ():
                        v.options[d.defname] = _s(d.arg) if d.arg is not None else "true"
                elif st == "AT_ResetRelOptions":
                    for d in cmd.def_ or ():
                        v.options.pop(d.defname, None)
                elif st == "AT_ChangeOwner":
                    v.owner = _role_name(cmd.newowner)
            return
        if objtype == "OBJECT_SEQUENCE":
            seq = self._sequences.get(key)
            if seq is None:
                self._unknown(f"{key[0]}.{key[1]}")
                return
            self._touch(seq)
            for cmd in node.cmds or ():
                if _ename(cmd.subtype) == "AT_ChangeOwner":
                    seq.owner = _role_name(cmd.newowner)
            return
        t = self._tables.get(key)
        if t is None:
            self._unknown(f"{key[0]}.{key[1]}")
            return
        self._touch(t)
        for cmd in node.cmds or ():
            self._alter_table_cmd(t, cmd)
            if node.relation.inh is not False and _ename(cmd.subtype) in _RECURSIVE_SUBCOMMANDS:
                for child in self._children(t):
                    self._touch(child)
                    self._alter_table_cmd(child, cmd)

    def _children(self, t: Table) -> list[Table]:
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

    def _alter_table_cmd(self, t: Table, cmd: Any) -> None:
        st = _ename(cmd.subtype)
        col = t.columns.get(cmd.name) if cmd.name else None
        c: Constraint | None
        if col is not None:
            self._touch(col)
        if st == "AT_AddColumn":
            cd = cmd.def_
            if cd.colname in t.columns:
                return  # ADD COLUMN IF NOT EXISTS on an existing column (or an error)
            self._add_column(t, cd)
        elif st == "AT_ColumnDefault" and col is not None:
            if cmd.def_ is None:
                col.default = None
                col.default_volatile = False
            else:
                self._set_default(col, cmd.def_)
        elif st == "AT_DropNotNull" and col is not None:
            col.not_null = False
            for c in list(t.constraints.values()):
                if c.kind == "not null" and c.columns == [col.name]:
                    del t.constraints[c.name]
        elif st == "AT_SetNotNull" and col is not None:
            col.not_null = True
        elif st == "AT_DropColumn":
            if col is not None:
                self._drop_column(t, col.name, cascade=_ename(cmd.behavior) == "DROP_CASCADE")
        elif st == "AT_AlterColumnType" and col is not None:
            col.type = normalize_type(cmd.def_.typeName)
            if cmd.def_.collClause is not None:
                col.collation = ".".join(_names(cmd.def_.collClause.collname))
            if col.serial:
                col.serial = False
        elif st == "AT_AddConstraint":
            con = cmd.def_
            if isinstance(con, ast.Constraint):
                self._add_constraint(t, con, None)
        elif st == "AT_DropConstraint":
            c = t.constraints.get(cmd.name or "")
            if c is not None:
                self._drop_constraint(t, c)
        elif st == "AT_ValidateConstraint":
            c = t.constraints.get(cmd.name or "")
            if c is not None:
                c.validated = True
                c.not_valid = False
                self._touch(c)
        elif st == "AT_AlterConstraint":
            ac = cmd.def_
            c = t.constraints.get(getattr(ac, "conname", None) or "")
            if c is not None:
                self._touch(c)
                if getattr(ac, "alterDeferrability", False):
                    c.deferrable = bool(ac.deferrable)
                    c.initially_deferred = bool(ac.initdeferred)
                if getattr(ac, "alterEnforceability", False):
                    c.enforced = bool(ac.is_enforced)
                    if not c.enforced:
                        c.validated = False
        elif st == "AT_EnableRowSecurity":
            t.rls_enabled = True
        elif st == "AT_DisableRowSecurity":
            t.rls_enabled = False
        elif st == "AT_ForceRowSecurity":
            t.rls_forced = True
        elif st == "AT_NoForceRowSecurity":
            t.rls_forced = False
        elif st == "AT_ChangeOwner":
            t.owner = _role_name(cmd.newowner)
        elif st == "AT_SetLogged":
            t.persistence = "permanent"
        elif st == "AT_SetUnLogged":
            t.persistence = "unlogged"
        elif st == "AT_AttachPartition":
            pc = cmd.def_
            child = self._tables.get(self._key_of(pc.name))
            if child is None:
                k = self._key_of(pc.name)
                self._unknown(f"{k[0]}.{k[1]}")
                return
            child.partition_of = t.qualified
            self._hierarchy = True
            child.partition_bound = _partbound_text(pc.bound) if pc.bound is not None else None
            self._touch(child)
        elif st in ("AT_DetachPartition", "AT_DetachPartitionFinalize"):
            child = self._tables.get(self._key_of(cmd.def_.name))
            if child is not None and child.partition_of == t.qualified:
                if st == "AT_DetachPartition":
                    child.partition_of = None
                    child.partition_bound = None
                self._touch(child)
        elif st == "AT_AddIdentity" and col is not None:
            con = cmd.def_
            col.identity = "always" if con.generated_when == "a" else "by default"
            col.not_null = True
            self._make_implicit_sequence(t, col.name)
        elif st == "AT_DropIdentity" and col is not None:
            col.identity = None
            self._drop_owned_sequences(f"{t.qualified}.{col.name}", implicit_only=True)
        elif st == "AT_SetIdentity" and col is not None:
            for d in cmd.def_ or ():
                if d.defname == "generated":
                    col.identity = "always" if _s(d.arg) in ("1", "a") else "by default"
        elif st == "AT_DropExpression" and col is not None:
            col.generated = None
            col.generated_expr = None
        elif st == "AT_SetExpression" and col is not None:
            col.generated_expr_ = cmd.def_
        elif st == "AT_AddInherit":
            k = self._key_of(cmd.def_)
            q = f"{k[0]}.{k[1]}"
            if q not in t.inherits:
                t.inherits.append(q)
                self._hierarchy = True
        elif st == "AT_DropInherit":
            k = self._key_of(cmd.def_)
            q = f"{k[0]}.{k[1]}"
            if q in t.inherits:
                t.inherits.remove(q)
        elif st == "AT_AddIndex" and isinstance(cmd.def_, ast.IndexStmt):
            self._on_IndexStmt(cmd.def_)

    def _drop_column(self, t: Table, name: str, *, cascade: bool) -> None:
        t.columns.pop(name, None)
        for ix in list(t.indexes.values()):
            if any(k.column == name for k in ix.keys) or name in ix.include:
                self._drop_index(t, ix)
        for c in list(t.constraints.values()):
            if name in c.columns or name in c.include:
                self._drop_constraint(t, c)
        q = t.qualified
        for other in self._tables.values():
            for c in list(other.constraints.values()):
                if c.kind == "foreign key" and c.ref_table == q and name in c.ref_columns:
                    self._drop_constraint(other, c)
        self._drop_owned_sequences(f"{q}.{name}")

    def _drop_constraint(self, t: Table, c: Constraint) -> None:
        t.constraints.pop(c.name, None)
        if c.index:
            ix = t.indexes.get(c.index)
            if ix is not None and ix.constraint == c.name:
                self._drop_index(t, ix, with_constraint=False)
        if c.kind == "not null":
            for cn in c.columns:
                if cn in t.columns:
                    t.columns[cn].not_null = False

    def _drop_owned_sequences(self, owner: str, *, implicit_only: bool = False) -> None:
        for k, s in list(self._sequences.items()):
            if (
                s.owned_by is not None
                and (s.owned_by == owner or s.owned_by.startswith(owner + "."))
                and (s.implicit or not implicit_only)
            ):
                del self._sequences[k]

    # --- DROP --------------------------------------------------------------------------------

    def _drop_table(self, key: Key, *, cascade: bool) -> None:
        t = self._tables.pop(key, None)
        if t is None:
            return
        for ix in list(t.indexes.values()):
            self._index_rel.pop((ix.schema, ix.name), None)
        q = t.qualified
        for other in list(self._tables.values()):
            for c in list(other.constraints.values()):
                if c.kind == "foreign key" and c.ref_table == q:
                    self._drop_constraint(other, c)
        # partitions go with their parent; inheritance children only with CASCADE
        for other in list(self._tables.values()):
            if other.partition_of == q:
                self._drop_table((other.schema, other.name), cascade=cascade)
            elif q in other.inherits:
                if cascade:
                    self._drop_table((other.schema, other.name), cascade=True)
                else:
                    other.inherits.remove(q)
        self._drop_owned_sequences(q)
        self.grants = [
            g
            for g in self.grants
            if not (g.object_kind == "table" and not g.all_in_schema and g.objects == [q])
        ]
        # Without CASCADE PostgreSQL refuses the drop while views depend on the table; the
        # catalog assumes the migration ran, so the dependants are gone either way (as for FKs).
        self._drop_views_reading(q)

    def _drop_views_reading(self, q: str) -> None:
        for vk, v in list(self._views.items()):
            if q in v.reads and vk in self._views:
                self._drop_view(vk, cascade=True)

    def _drop_view(self, key: Key, *, cascade: bool) -> None:
        v = self._views.pop(key, None)
        if v is None:
            return
        for ix in v.indexes.values():
            self._index_rel.pop((ix.schema, ix.name), None)
        self._drop_views_reading(v.qualified)  # see _drop_table: dependants cannot outlive it

    def _drop_index(self, rel: Table | View, ix: Index, *, with_constraint: bool = True) -> None:
        rel.indexes.pop(ix.name, None)
        self._index_rel.pop((ix.schema, ix.name), None)
        if with_constraint and ix.constraint and isinstance(rel, Table):
            c = rel.constraints.get(ix.constraint)
            if c is not None:
                rel.constraints.pop(c.name, None)

    def _drop_index_key(self, k: Key) -> None:
        rk = self._index_rel.get(k)
        if rk is None:
            return
        rel = self._tables.get(rk) or self._views.get(rk)
        ix = rel.indexes.get(k[1]) if rel is not None else None
        if rel is not None and ix is not None:
            self._drop_index(rel, ix)
        else:
            self._index_rel.pop(k, None)

    def _on_DropStmt(self, node: Any) -> None:
        rt = _ename(node.removeType)
        cascade = _ename(node.behavior) == "DROP_CASCADE"
        for obj in node.objects or ():
            if rt in (
                "OBJECT_TABLE",
                "OBJECT_VIEW",
                "OBJECT_MATVIEW",
                "OBJECT_INDEX",
                "OBJECT_SEQUENCE",
                "OBJECT_FOREIGN_TABLE",
            ):
                s, n = self._qname_list(obj)
                if rt == "OBJECT_INDEX":
                    k = self._lookup(self._index_rel, s, n)
                    self._dropped.add(k)
                    self._maybe.discard(k)
                    if k in self._index_rel:
                        self._drop_index_key(k)
                    elif not node.missing_ok:
                        self._unknown(f"{k[0]}.{k[1]}")
                    continue
                k = self.resolve(s, n)
                self._dropped.add(k)
                self._maybe.discard(k)
                if rt == "OBJECT_TABLE":
                    if k not in self._tables and not node.missing_ok:
                        self._unknown(f"{k[0]}.{k[1]}")
                    self._drop_table(k, cascade=cascade)
                elif rt in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
                    self._drop_view(k, cascade=cascade)
                elif rt == "OBJECT_SEQUENCE":
                    self._sequences.pop(k, None)
            elif rt == "OBJECT_POLICY":
                parts = _names(obj)
                tk = self.resolve(parts[-3] if len(parts) > 2 else None, parts[-2])
                t = self._tables.get(tk)
                if t is not None:
                    t.policies.pop(parts[-1], None)
                    self._touch(t)
            elif rt in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
                for f in self._match_functions(obj):
                    self._functions.pop((f.schema, f.name, f.argtypes), None)
            elif rt in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
                names = obj.names if isinstance(obj, ast.TypeName) else obj
                s, n = self._qname_list(names)
                self._types.pop(self._lookup(self._types, s, n), None)
            elif rt == "OBJECT_SCHEMA":
                self._drop_schema(_s(obj), cascade=cascade)
            elif rt == "OBJECT_EXTENSION":
                self.extensions.pop(_s(obj), None)

    def _drop_schema(self, name: str, *, cascade: bool) -> None:
        self.schemas.pop(name, None)
        self._gone_schemas.add(name)
        self._fresh_schemas.discard(name)
        if not cascade:
            return
        for k in [k for k in self._tables if k[0] == name]:
            self._drop_table(k, cascade=True)
        for k in [k for k in self._views if k[0] == name]:
            self._drop_view(k, cascade=True)
        for k in [k for k in self._sequences if k[0] == name]:
            self._sequences.pop(k, None)
        for k in [k for k in self._types if k[0] == name]:
            self._types.pop(k, None)
        for fk in [fk for fk in self._functions if fk[0] == name]:
            self._functions.pop(fk, None)

    # --- indexes -----------------------------------------------------------------------------

    def _on_IndexStmt(self, node: Any) -> None:
        key = self._key_of(node.relation)
        rel: Table | View | None = self._tables.get(key) or self._views.get(key)
        if rel is None:
            self._unknown(f"{key[0]}.{key[1]}")
            return
        keys = [_index_key(e) for e in node.indexParams or ()]
        attnames = [
            e.indexcolname or e.name or _figure_colname(e.expr) for e in node.indexParams or ()
        ]
        if node.idxname:
            name = node.idxname
            ik = (rel.schema, name)
            if ik in self._index_rel:
                if node.if_not_exists:
                    return
                self._drop_index_key(ik)
        else:
            label = "pkey" if node.primary else ("key" if node.isconstraint else "idx")
            addition = None if node.primary else _name_addition(attnames)
            name = self._choose_relation_name(rel.schema, rel.name, addition, label)
        ix = Index(
            schema=rel.schema,
            name=name,
            table=rel.qualified,
            method=(node.accessMethod or "btree").lower(),
            keys=keys,
            include=[e.name or f"({deparse(e.expr)})" for e in node.indexIncludingParams or ()],
            unique=bool(node.unique),
            primary=bool(node.primary),
            nulls_not_distinct=bool(node.nulls_not_distinct),
            concurrently=bool(node.concurrent),
            only=not bool(node.relation.inh),
            attnames=attnames,
        )
        if node.whereClause is not None:
            ix.predicate = deparse(node.whereClause)
            ix.predicate_node = node.whereClause
        self._stamp(ix)
        self._put_index(rel, ix)
        self._touch(rel)
        if isinstance(rel, Table) and rel.partitioned and not ix.only:
            for part in self.partitions_of(rel):
                new = self._clone_index(ix, part, with_constraint=False)
                if new is not None:
                    new.parent = ix.qualified

    def _alter_index(self, node: Any) -> None:
        s, n = node.relation.schemaname, node.relation.relname or ""
        k = self._lookup(self._index_rel, s, n)
        ix = self._index_obj(k)
        if ix is None:
            self._unknown(f"{k[0]}.{k[1]}")
            return
        self._touch(ix)
        for cmd in node.cmds or ():
            if _ename(cmd.subtype) == "AT_AttachPartition":
                ck = self._lookup(
                    self._index_rel, cmd.def_.name.schemaname, cmd.def_.name.relname or ""
                )
                child = self._index_obj(ck)
                if child is not None:
                    child.parent = ix.qualified
                    self._touch(child)

    def _rename_index(self, rel: Table | View, ix: Index, new: str) -> None:
        rel.indexes.pop(ix.name, None)
        self._index_rel.pop((ix.schema, ix.name), None)
        old = ix.name
        ix.name = new
        self._put_index(rel, ix)
        if isinstance(rel, Table) and ix.constraint:
            c = rel.constraints.get(ix.constraint)
            if c is not None:
                c.index = new
                if c.name == old:
                    self._rename_constraint(rel, c, new, rename_index=False)

    # --- views -------------------------------------------------------------------------------

    def _make_view(self, rv: Any, query: Any, options: Any, *, matview: bool) -> View:
        key = self._key_of(rv)
        old = self._views.get(key)
        v = View(schema=key[0], name=key[1], materialized=matview)
        if old is not None:
            # CREATE OR REPLACE: keep history, comment, owner and indexes
            v.created, v.changed, v.file_index, v.context = (
                old.created,
                old.changed,
                old.file_index,
                old.context,
            )
            v.comment, v.owner, v.indexes = old.comment, old.owner, old.indexes
            self._touch(v)
        else:
            self._stamp(v)
        for name, arg in _defelems(options).items():
            v.options[name] = _s(arg) if arg is not None else "true"
        v.query = query
        v.reads = self._reads(query)
        self._views[key] = v
        self._occupy(key)
        return v

    def _reads(self, query: Any) -> list[str]:
        ctes: set[str] = set()
        rvs: list[Any] = []
        for n, _ in walk(query):
            if isinstance(n, ast.CommonTableExpr) and n.ctename:
                ctes.add(n.ctename)
            elif isinstance(n, ast.RangeVar):
                rvs.append(n)
        out: list[str] = []
        for rv in rvs:
            if not rv.schemaname and rv.relname in ctes:
                continue
            k = self._key_of(rv)
            q = f"{k[0]}.{k[1]}"
            if q not in out:
                out.append(q)
        return out

    def _on_ViewStmt(self, node: Any) -> None:
        v = self._make_view(node.view, node.query, node.options, matview=False)
        v.columns = _names(node.aliases)
        wco = _ename(node.withCheckOption)
        v.check_option = {"LOCAL_CHECK_OPTION": "local", "CASCADED_CHECK_OPTION": "cascaded"}.get(
            wco
        )

    def _on_RefreshMatViewStmt(self, node: Any) -> None:
        v = self._views.get(self._key_of(node.relation))
        if v is not None:
            v.with_data = not node.skipData

    # --- policies ----------------------------------------------------------------------------

    def _on_CreatePolicyStmt(self, node: Any) -> None:
        key = self._key_of(node.table)
        t = self._tables.get(key)
        if t is None:
            self._unknown(f"{key[0]}.{key[1]}")
            return
        p = Policy(
            name=node.policy_name or "",
            table=t.qualified,
            command=(node.cmd_name or "all").lower(),
            permissive=bool(node.permissive),
            roles=[_role_name(r) for r in node.roles or ()] or ["public"],
        )
        self._stamp(p)
        if node.qual is not None:
            p.using, p.using_node = deparse(node.qual), node.qual
        if node.with_check is not None:
            p.with_check, p.with_check_node = deparse(node.with_check), node.with_check
        t.policies[p.name] = p
        self._touch(t)

    def _on_AlterPolicyStmt(self, node: Any) -> None:
        key = self._key_of(node.table)
        t = self._tables.get(key)
        if t is None:
            self._unknown(f"{key[0]}.{key[1]}")
            return
        p = t.policies.get(node.policy_name or "")
        if p is None:
            return
        self._touch(p)
        if node.roles:
            p.roles = [_role_name(r) for r in node.roles]
        if node.qual is not None:
            p.using, p.using_node = deparse(node.qual), node.qual
        if node.with_check is not None:
            p.with_check, p.with_check_node = deparse(node.with_check), node.with_check

    # --- types, domains, sequences, extensions, roles ------------------------------------------

    def _type_key(self, tn: Any) -> Key:
        names = tn.names if isinstance(tn, ast.TypeName) else tn
        s, n = self._qname_list(names)
        return self._lookup(self._types, s, n)

    def _new_type(self, names: Any, kind: str) -> TypeDef:
        s, n = self._qname_list(names)
        key = (s or self.creation_schema, n)
        ty = TypeDef(schema=key[0], name=key[1], kind=kind)
        self._stamp(ty)
        self._types[key] = ty
        return ty

    def _on_CreateEnumStmt(self, node: Any) -> None:
        ty = self._new_type(node.typeName, "enum")
        ty.values = _names(node.vals)

    def _on_AlterEnumStmt(self, node: Any) -> None:
        ty = self._types.get(self._type_key(node.typeName))
        if ty is None:
            return
        self._touch(ty)
        if node.oldVal:
            ty.values = [node.newVal if v == node.oldVal else v for v in ty.values]
            return
        new = node.newVal
        if not new or new in ty.values:
            return
        if node.newValNeighbor and node.newValNeighbor in ty.values:
            i = ty.values.index(node.newValNeighbor)
            ty.values.insert(i + 1 if node.newValIsAfter else i, new)
        else:
            ty.values.append(new)

    def _on_CompositeTypeStmt(self, node: Any) -> None:
        rv = node.typevar
        ty = self._new_type(
            [rv.schemaname, rv.relname] if rv.schemaname else [rv.relname], "composite"
        )
        for cd in node.coldeflist or ():
            c = Column(name=cd.colname or "", type=normalize_type(cd.typeName))
            ty.attributes.append(c)

    def _on_CreateRangeStmt(self, node: Any) -> None:
        self._new_type(node.typeName, "range")

    def _on_CreateDomainStmt(self, node: Any) -> None:
        ty = self._new_type(node.domainname, "domain")
        ty.base_type = normalize_type(node.typeName)
        for con in node.constraints or ():
            self._domain_constraint(ty, con)

    def _domain_constraint(self, ty: TypeDef, con: Any) -> None:
        ct = _ename(con.contype)
        if ct == "CONSTR_NOTNULL":
            ty.not_null = True
        elif ct == "CONSTR_NULL":
            ty.not_null = False
        elif ct == "CONSTR_DEFAULT":
            ty.default = deparse(con.raw_expr)
        elif ct == "CONSTR_CHECK":
            name = con.conname or make_object_name(ty.name, None, "check")
            n = 0
            while name in ty.constraints and not con.conname:
                n += 1
                name = make_object_name(ty.name, None, f"check{n}")
            c = Constraint(
                name=name,
                kind="check",
                table=ty.qualified,
                expression_=con.raw_expr,
                expr=con.raw_expr,
            )
            c.not_valid = bool(con.skip_validation)
            c.validated = not con.skip_validation
            self._stamp(c)
            ty.constraints[name] = c

    def _on_AlterDomainStmt(self, node: Any) -> None:
        ty = self._types.get(self._type_key(node.typeName))
        if ty is None:
            return
        self._touch(ty)
        sub = node.subtype
        if sub == "C" and isinstance(node.def_, ast.Constraint):
            self._domain_constraint(ty, node.def_)
        elif sub == "X":
            ty.constraints.pop(node.name or "", None)
        elif sub == "V":
            c = ty.constraints.get(node.name or "")
            if c is not None:
                c.validated, c.not_valid = True, False
        elif sub == "N":
            ty.not_null = False
        elif sub == "O":
            ty.not_null = True
        elif sub == "T":
            ty.default = deparse(node.def_) if node.def_ is not None else None

    def _on_CreateSeqStmt(self, node: Any) -> None:
        key = self._key_of(node.sequence)
        if key in self._sequences and node.if_not_exists:
            return
        seq = Sequence(schema=key[0], name=key[1])
        self._stamp(seq)
        self._sequences[key] = seq
        self._occupy(key)
        self._seq_options(seq, node.options)

    def _on_AlterSeqStmt(self, node: Any) -> None:
        key = self._key_of(node.sequence)
        seq = self._sequences.get(key)
        if seq is None:
            if not node.missing_ok:
                self._unknown(f"{key[0]}.{key[1]}")
            return
        self._touch(seq)
        self._seq_options(seq, node.options)

    def _seq_options(self, seq: Sequence, options: Any) -> None:
        for d in options or ():
            if d.defname == "owned_by":
                parts = _names(d.arg)
                if parts == ["none"]:
                    seq.owned_by = None
                elif len(parts) >= 2:
                    tk = self.resolve(parts[-3] if len(parts) > 2 else None, parts[-2])
                    self._own(seq, f"{tk[0]}.{tk[1]}.{parts[-1]}")
            elif d.defname == "as":
                seq.data_type = normalize_type(d.arg)
            else:
                seq.options[d.defname] = _s(d.arg) if d.arg is not None else "true"

    def _on_CreateExtensionStmt(self, node: Any) -> None:
        name = node.extname or ""
        if name in self.extensions:
            return
        opts = _defelems(node.options)
        ext = Extension(
            name=name,
            schema=_s(opts["schema"]) if "schema" in opts else None,
            version=_s(opts["new_version"]) if "new_version" in opts else None,
        )
        self._stamp(ext)
        self.extensions[name] = ext

    def _on_AlterExtensionStmt(self, node: Any) -> None:
        ext = self.extensions.get(node.extname or "")
        if ext is not None:
            self._touch(ext)
            opts = _defelems(node.options)
            if "new_version" in opts:
                ext.version = _s(opts["new_version"])

    def _on_CreateRoleStmt(self, node: Any) -> None:
        name = node.role or ""
        if name in self.roles:
            return
        r = Role(name=name)
        self._stamp(r)
        for d in node.options or ():
            if d.defname == "password":
                r.options["password"] = "<set>"
            elif d.defname in ("rolemembers", "addroleto"):
                continue
            else:
                r.options[d.defname] = _s(d.arg) if d.arg is not None else "true"
        self.roles[name] = r

    def _on_AlterRoleStmt(self, node: Any) -> None:
        r = self.roles.get(_role_name(node.role))
        if r is not None:
            self._touch(r)

    def _on_DropRoleStmt(self, node: Any) -> None:
        for spec in node.roles or ():
            self.roles.pop(_role_name(spec), None)

    def _on_GrantRoleStmt(self, node: Any) -> None:
        granted = [ap.priv_name or "" for ap in node.granted_roles or ()]
        for spec in node.grantee_roles or ():
            r = self.roles.get(_role_name(spec))
            if r is None:
                continue
            self._touch(r)
            for g in granted:
                if node.is_grant and g not in r.member_of:
                    r.member_of.append(g)
                elif not node.is_grant and g in r.member_of:
                    r.member_of.remove(g)

    # --- functions ---------------------------------------------------------------------------

    def _func_argtypes(self, params: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
        types: list[str] = []
        names: list[str] = []
        for p in params or ():
            mode = str(getattr(p.mode, "value", p.mode) or "i")
            if mode in ("o", "t"):
                continue
            types.append(normalize_type(p.argType))
            names.append(p.name or "")
        return tuple(types), tuple(names)

    def _on_CreateFunctionStmt(self, node: Any) -> None:
        s, n = self._qname_list(node.funcname)
        schema = s or self.creation_schema
        argtypes, argnames = self._func_argtypes(node.parameters)
        fk = (schema, n, argtypes)
        old = self._functions.get(fk)
        f = Function(
            schema=schema,
            name=n,
            argtypes=argtypes,
            argnames=argnames,
            procedure=bool(node.is_procedure),
        )
        if old is not None:
            # OR REPLACE: a new definition (SET clauses replaced) with the same identity
            f.created, f.changed, f.file_index, f.context = (
                old.created,
                old.changed,
                old.file_index,
                old.context,
            )
            f.comment, f.owner, f.grants_before = old.comment, old.owner, old.grants_before
            self._touch(f)
        else:
            self._stamp(f)
            f.grants_before = len(self.grants)
        if node.returnType is not None:
            f.returns = normalize_type(node.returnType)
        for d in node.options or ():
            self._func_option(f, d)
        if node.sql_body is not None:
            f.body = deparse(node.sql_body)
        self._functions[fk] = f

    def _func_option(self, f: Function, d: Any) -> None:
        name = d.defname
        if name == "language":
            f.language = _s(d.arg).lower()
        elif name == "security":
            f.security_definer = bool(getattr(d.arg, "boolval", False))
        elif name == "volatility":
            f.volatility = _s(d.arg).lower()
        elif name == "strict":
            f.strict = bool(getattr(d.arg, "boolval", False))
        elif name == "leakproof":
            f.leakproof = bool(getattr(d.arg, "boolval", False))
        elif name == "as":
            parts = d.arg if isinstance(d.arg, tuple) else (d.arg,)
            f.body = _s(parts[0]) if len(parts) == 1 else ", ".join(_s(p) for p in parts)
        elif name == "set" and isinstance(d.arg, ast.VariableSetStmt):
            vs = d.arg
            kind = _ename(vs.kind)
            if kind == "VAR_RESET_ALL":
                f.settings.clear()
            elif kind == "VAR_RESET":
                f.settings.pop(vs.name or "", None)
            elif kind == "VAR_SET_CURRENT":
                f.settings[vs.name or ""] = "FROM CURRENT"
            else:
                f.settings[vs.name or ""] = ", ".join(_s(a) for a in vs.args or ())

    def _match_functions(self, owa: Any) -> list[Function]:
        s, n = self._qname_list(owa.objname)
        want = None if owa.args_unspecified else tuple(normalize_type(a) for a in owa.objargs or ())
        schemas = [s] if s else list(self.search_path) or ["public"]
        for sch in schemas:
            found = [
                f
                for (fs, fn, fa), f in self._functions.items()
                if fs == sch and fn == n and (want is None or fa == want)
            ]
            if found:
                return found
        return []

    def _on_AlterFunctionStmt(self, node: Any) -> None:
        fs = self._match_functions(node.func)
        if not fs:
            return
        for f in fs:
            self._touch(f)
            for d in node.actions or ():
                self._func_option(f, d)

    # --- comments ----------------------------------------------------------------------------

    def _on_CommentStmt(self, node: Any) -> None:
        obj = self._comment_target(_ename(node.objtype), node.object)
        if obj is not None:
            obj.comment = node.comment
            self._touch(obj)

    def _comment_target(self, ot: str, o: Any) -> Tracked | None:
        if ot in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            s, n = self._qname_list(o)
            k = self.resolve(s, n)
            t = self._tables.get(k)
            if t is None:
                self._unknown(f"{k[0]}.{k[1]}")
            return t
        if ot in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            s, n = self._qname_list(o)
            return self._views.get(self.resolve(s, n))
        if ot == "OBJECT_SEQUENCE":
            s, n = self._qname_list(o)
            return self._sequences.get(self.resolve(s, n))
        if ot == "OBJECT_INDEX":
            s, n = self._qname_list(o)
            return self._index_obj(self._lookup(self._index_rel, s, n))
        if ot in ("OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_POLICY"):
            parts = _names(o)
            if len(parts) < 2:
                return None
            k = self.resolve(parts[-3] if len(parts) > 2 else None, parts[-2])
            t = self._tables.get(k)
            if t is None:
                v = self._views.get(k)
                if v is not None or ot != "OBJECT_COLUMN":
                    return None
                self._unknown(f"{k[0]}.{k[1]}")
                return None
            if ot == "OBJECT_COLUMN":
                return t.columns.get(parts[-1])
            if ot == "OBJECT_TABCONSTRAINT":
                return t.constraints.get(parts[-1])
            return t.policies.get(parts[-1])
        if ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            fs = self._match_functions(o)
            return fs[0] if fs else None
        if ot == "OBJECT_SCHEMA":
            return self.schemas.get(_s(o))
        if ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            return self._types.get(self._type_key(o))
        if ot == "OBJECT_DOMCONSTRAINT":
            ty = self._types.get(self._type_key(o[0]))
            return ty.constraints.get(_s(o[1])) if ty is not None else None
        if ot == "OBJECT_EXTENSION":
            return self.extensions.get(_s(o))
        if ot == "OBJECT_ROLE":
            return self.roles.get(_s(o))
        return None

    # --- grants ------------------------------------------------------------------------------

    def _on_GrantStmt(
        self,
        node: Any,
        *,
        default: bool = False,
        schemas: list[str] | None = None,
        for_roles: list[str] | None = None,
    ) -> None:
        kind = _ename(node.objtype).removeprefix("OBJECT_").lower().replace("_", " ")
        if kind == "matview":
            kind = "materialized view"
        privs: list[str] = []
        cols: list[str] = []
        for ap in node.privileges or ():
            privs.append((ap.priv_name or "all").lower())
            cols.extend(_names(ap.cols))
        if not privs:
            privs = ["all"]
        targ = _ename(node.targtype)
        objects: list[str] = []
        if default:
            objects = list(schemas or [])
        elif targ == "ACL_TARGET_ALL_IN_SCHEMA":
            objects = _names(node.objects)
        else:
            for o in node.objects or ():
                if isinstance(o, ast.RangeVar):
                    k = self._key_of(o)
                    objects.append(f"{k[0]}.{k[1]}")
                elif isinstance(o, ast.ObjectWithArgs):
                    fs = self._match_functions(o)
                    if fs:
                        objects.extend(f.signature for f in fs)
                    else:
                        s, n = self._qname_list(o.objname)
                        objects.append(f"{s or self.creation_schema}.{n}")
                elif isinstance(o, ast.TypeName):
                    k = self._type_key(o)
                    objects.append(f"{k[0]}.{k[1]}")
                else:
                    objects.append(_s(o))
        g = Grant(
            is_grant=bool(node.is_grant),
            privileges=privs,
            object_kind=kind,
            objects=objects,
            grantees=[_role_name(r) for r in node.grantees or ()],
            columns=cols,
            all_in_schema=targ == "ACL_TARGET_ALL_IN_SCHEMA",
            default_privileges=default,
            for_roles=list(for_roles or []),
            grant_option=bool(node.grant_option),
            cascade=_ename(node.behavior) == "DROP_CASCADE",
            loc=self._loc,
        )
        self.grants.append(g)

    def _on_AlterDefaultPrivilegesStmt(self, node: Any) -> None:
        schemas: list[str] = []
        roles: list[str] = []
        for d in node.options or ():
            if d.defname == "schemas":
                schemas = _names(d.arg)
            elif d.defname == "roles":
                roles = [_role_name(r) for r in d.arg or ()]
        if node.action is not None:
            self._on_GrantStmt(node.action, default=True, schemas=schemas, for_roles=roles)

    # --- owners, renames, schema moves --------------------------------------------------------

    def _on_AlterOwnerStmt(self, node: Any) -> None:
        ot = _ename(node.objectType)
        owner = _role_name(node.newowner)
        target: Tracked | None = None
        if ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            fs = self._match_functions(node.object)
            target = fs[0] if fs else None
        elif ot == "OBJECT_SCHEMA":
            target = self.schemas.get(_s(node.object))
        elif ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            target = self._types.get(self._type_key(node.object))
        if target is not None:
            target.owner = owner
            self._touch(target)

    def _on_RenameStmt(self, node: Any) -> None:
        rt = _ename(node.renameType)
        new = node.newname or ""
        if rt in (
            "OBJECT_TABLE",
            "OBJECT_FOREIGN_TABLE",
            "OBJECT_VIEW",
            "OBJECT_MATVIEW",
            "OBJECT_SEQUENCE",
        ):
            k = self._key_of(node.relation)
            self._move_relation(k, (k[0], new))
        elif rt == "OBJECT_INDEX":
            k = self._lookup(self._index_rel, node.relation.schemaname, node.relation.relname or "")
            rk = self._index_rel.get(k)
            if rk is None:
                self._unknown(f"{k[0]}.{k[1]}")
                return
            rel = self._tables.get(rk) or self._views.get(rk)
            ix = rel.indexes.get(k[1]) if rel is not None else None
            if rel is not None and ix is not None:
                self._rename_index(rel, ix, new)
                self._touch(ix)
        elif rt == "OBJECT_COLUMN":
            k = self._key_of(node.relation)
            t = self._tables.get(k)
            if t is None:
                if k not in self._views:
                    self._unknown(f"{k[0]}.{k[1]}")
                return
            if node.subname in t.columns:
                self._rename_column(t, node.subname, new)
                self._touch(t)
                if node.relation.inh is not False:
                    for child in self._children(t):
                        if node.subname in child.columns and new not in child.columns:
                            self._rename_column(child, node.subname, new)
                            self._touch(child)
        elif rt == "OBJECT_TABCONSTRAINT":
            k = self._key_of(node.relation)
            t = self._tables.get(k)
            if t is None:
                self._unknown(f"{k[0]}.{k[1]}")
                return
            c = t.constraints.get(node.subname or "")
            if c is not None:
                self._rename_constraint(t, c, new, rename_index=True)
                self._touch(c)
                self._touch(t)
        elif rt == "OBJECT_POLICY":
            t = self._tables.get(self._key_of(node.relation))
            p = t.policies.pop(node.subname or "", None) if t is not None else None
            if t is not None and p is not None:
                p.name = new
                t.policies[new] = p
                self._touch(p)
        elif rt == "OBJECT_SCHEMA":
            self._rename_schema(node.subname or "", new)
        elif rt in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            for f in self._match_functions(node.object):
                old_sig = f.signature
                self._functions.pop((f.schema, f.name, f.argtypes), None)
                f.name = new
                self._functions[(f.schema, f.name, f.argtypes)] = f
                self._rename_grant_refs(old_sig, f.signature)
                self._touch(f)
        elif rt in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            k = self._type_key(node.object)
            ty = self._types.pop(k, None)
            if ty is not None:
                ty.name = new
                self._types[(ty.schema, new)] = ty
                self._touch(ty)
        elif rt == "OBJECT_ATTRIBUTE":
            ty = self._types.get(
                self._type_key(
                    [node.relation.schemaname, node.relation.relname]
                    if node.relation.schemaname
                    else [node.relation.relname]
                )
            )
            if ty is not None:
                for a in ty.attributes:
                    if a.name == node.subname:
                        a.name = new
        elif rt == "OBJECT_ROLE":
            r = self.roles.pop(node.subname or "", None)
            if r is not None:
                r.name = new
                self.roles[new] = r

    def _on_AlterObjectSchemaStmt(self, node: Any) -> None:
        ot = _ename(node.objectType)
        ns = node.newschema or ""
        if ot in (
            "OBJECT_TABLE",
            "OBJECT_VIEW",
            "OBJECT_MATVIEW",
            "OBJECT_SEQUENCE",
            "OBJECT_FOREIGN_TABLE",
        ):
            k = self._key_of(node.relation)
            self._move_relation(k, (ns, k[1]))
        elif ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            for f in self._match_functions(node.object):
                self._functions.pop((f.schema, f.name, f.argtypes), None)
                f.schema = ns
                self._functions[(f.schema, f.name, f.argtypes)] = f
                self._touch(f)
        elif ot in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            ty = self._types.pop(self._type_key(node.object), None)
            if ty is not None:
                ty.schema = ns
                self._types[(ns, ty.name)] = ty
                self._touch(ty)
        elif ot == "OBJECT_EXTENSION":
            ext = self.extensions.get(_s(node.object))
            if ext is not None:
                ext.schema = ns
                self._touch(ext)

    def _move_relation(self, old: Key, new: Key) -> None:
        """Rename a table/view/sequence and/or move it to another schema."""
        if old == new:
            return
        oq, nq = f"{old[0]}.{old[1]}", f"{new[0]}.{new[1]}"
        if old in self._tables:
            t = self._tables.pop(old)
            t.schema, t.name = new
            self._tables[new] = t
            self._occupy(new)
            self._touch(t)
            for ix in list(t.indexes.values()):
                self._index_rel.pop((ix.schema, ix.name), None)
                ix.schema = new[0]
                ix.table = nq
                self._index_rel[(ix.schema, ix.name)] = new
                self._occupy((ix.schema, ix.name))
            for c in t.constraints.values():
                c.table = nq
            for p in t.policies.values():
                p.table = nq
            for sk, s in list(self._sequences.items()):
                if s.owned_by and s.owned_by.startswith(oq + "."):
                    self._own(s, nq + s.owned_by[len(oq) :])
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
        elif old in self._views:
            v = self._views.pop(old)
            v.schema, v.name = new
            self._views[new] = v
            self._occupy(new)
            self._touch(v)
            for ix in list(v.indexes.values()):
                self._index_rel.pop((ix.schema, ix.name), None)
                ix.schema = new[0]
                ix.table = nq
                self._index_rel[(ix.schema, ix.name)] = new
                self._occupy((ix.schema, ix.name))
        elif old in self._sequences:
            s = self._sequences.pop(old)
            s.schema, s.name = new
            self._sequences[new] = s
            self._occupy(new)
            self._touch(s)
        else:
            self._unknown(oq)
            return
        for v in self._views.values():
            if oq in v.reads:
                v.reads = [nq if x == oq else x for x in v.reads]
        self._rename_grant_refs(oq, nq)

    def _rename_grant_refs(self, old: str, new: str) -> None:
        for g in self.grants:
            if not g.all_in_schema and not g.default_privileges and old in g.objects:
                g.objects = [new if x == old else x for x in g.objects]

    def _rename_column(self, t: Table, old: str, new: str) -> None:
        t.columns = {(new if k == old else k): v for k, v in t.columns.items()}
        col = t.columns[new]
        col.name = new
        self._touch(col)
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
                self._own(s, f"{q}.{new}")

    def _rename_constraint(self, t: Table, c: Constraint, new: str, *, rename_index: bool) -> None:
        old = c.name
        t.constraints = {(new if k == old else k): v for k, v in t.constraints.items()}
        c.name = new
        if c.index:
            ix = t.indexes.get(c.index)
            if ix is not None:
                ix.constraint = new
                if rename_index and ix.name == old:
                    self._rename_index(t, ix, new)
                    c.index = new

    def _rename_schema(self, old: str, new: str) -> None:
        if old in self._fresh_schemas:
            self._fresh_schemas.add(new)
        self._fresh_schemas.discard(old)
        self._gone_schemas.add(old)
        self._gone_schemas.discard(new)
        sch = self.schemas.pop(old, None)
        if sch is not None:
            sch.name = new
            self.schemas[new] = sch
            self._touch(sch)
        for k in [k for k in self._tables if k[0] == old]:
            self._move_relation(k, (new, k[1]))
        for k in [k for k in self._views if k[0] == old]:
            self._move_relation(k, (new, k[1]))
        for k in [k for k in self._sequences if k[0] == old]:
            self._move_relation(k, (new, k[1]))
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


_RECURSIVE_SUBCOMMANDS = frozenset(
    {
        "AT_AddColumn",
        "AT_DropColumn",
        "AT_AlterColumnType",
        "AT_SetNotNull",
        "AT_DropNotNull",
        "AT_ColumnDefault",
        "AT_ValidateConstraint",
    }
)


def _index_key(e: Any) -> IndexKey:
    k = IndexKey()
    if e.name:
        k.column = e.name
    elif e.expr is not None:
        k.expression = deparse(e.expr)
    if e.opclass:
        k.opclass = ".".join(_names(e.opclass))
    order = _ename(e.ordering)
    k.ordering = {"SORTBY_ASC": "asc", "SORTBY_DESC": "desc"}.get(order)
    nulls = _ename(e.nulls_ordering)
    k.nulls = {"SORTBY_NULLS_FIRST": "first", "SORTBY_NULLS_LAST": "last"}.get(nulls)
    if e.collation:
        k.collation = ".".join(_names(e.collation))
    return k


def _apply_attr(con: Any, ct: str) -> None:
    if ct == "CONSTR_ATTR_DEFERRABLE":
        con.deferrable = True
    elif ct == "CONSTR_ATTR_NOT_DEFERRABLE":
        con.deferrable = False
    elif ct == "CONSTR_ATTR_DEFERRED":
        con.initdeferred = True
    elif ct == "CONSTR_ATTR_IMMEDIATE":
        con.initdeferred = False
    elif ct == "CONSTR_ATTR_NOT_ENFORCED":
        con.is_enforced = False
        con.skip_validation = True
        con.initially_valid = False
    elif ct == "CONSTR_ATTR_ENFORCED":
        con.is_enforced = True


def _partbound_text(pb: Any) -> str:
    if pb is None:
        return ""
    if pb.is_default:
        return "DEFAULT"
    s = pb.strategy
    if s == "l":
        return "IN (" + ", ".join(deparse(x) for x in pb.listdatums or ()) + ")"
    if s == "r":
        lo = ", ".join(deparse(x) for x in pb.lowerdatums or ())
        hi = ", ".join(deparse(x) for x in pb.upperdatums or ())
        return f"FROM ({lo}) TO ({hi})"
    if s == "h":
        return f"WITH (MODULUS {pb.modulus}, REMAINDER {pb.remainder})"
    return ""


def _copy_column(c: Column, *, with_default: bool) -> Column:
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
        n.type = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}[c.type]
    if with_default:
        n.default_, n.default_volatile = c.default_, c.default_volatile
    return n


def _copy_constraint(c: Constraint, table: str, name: str) -> Constraint:
    n = Constraint(name=name, kind=c.kind, table=table)
    for s in Constraint.__slots__:
        if s not in ("name", "table", "changed", "comment"):
            v = getattr(c, s)
            setattr(n, s, list(v) if isinstance(v, list) else v)
    return n


def _proves_not_null(expr: Any, column: str) -> bool:
    if isinstance(expr, ast.NullTest):
        arg: Any = expr.arg
        fields: Any = getattr(arg, "fields", None)
        return (
            _ename(expr.nulltesttype) == "IS_NOT_NULL"
            and isinstance(arg, ast.ColumnRef)
            and bool(fields)
            and _s(fields[-1]) == column
        )
    if isinstance(expr, ast.BoolExpr) and _ename(expr.boolop) == "AND_EXPR":
        return any(_proves_not_null(a, column) for a in expr.args or ())
    return False


def _handler_table() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in dir(Catalog):
        if attr.startswith("_on_"):
            out[attr[4:]] = getattr(Catalog, attr)
    return out


_HANDLERS: dict[str, Any] = _handler_table()
# statements that may declare a name (recorded in Catalog.names)
_DECLARING = frozenset(t.__name__ for t in DEFINING_NODES)


def iter_objects(catalog: Catalog) -> Iterator[Tracked]:
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
