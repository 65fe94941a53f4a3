"""The public API for rule authors.

A rule module imports this module only::

    from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

    @rule(
        name="require-concurrent-index-creation",
        category=Category.MIGRATION_SAFETY,
        severity=Severity.ERROR,
        summary="CREATE INDEX without CONCURRENTLY on an existing table",
        nodes=(ast.IndexStmt,),
        bad="CREATE INDEX ix_orders__customer_id ON orders (customer_id);",
        good="CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);",
        fix="Use CREATE INDEX CONCURRENTLY, outside a transaction.",
    )
    def check(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
        '''Rationale: what breaks, and why.'''
        ...

The engine walks each statement once and calls ``check`` for every node of the types the rule
asked for, with the catalog as it was *before* the statement. Besides AST node classes a rule
may ask for three events: :class:`AnyStatement` (every statement, top-level and nested),
:class:`EndOfFile` (after a checked file's last statement) and :class:`EndOfRun` (after the
last file, with the final catalog: whole-schema rules). The engine stamps the rule's name,
category and severity on each finding, so a rule cannot misreport who it is; a rule may give
one finding another severity than its default (``Violation(..., severity=Severity.INFO)``),
unless the user set the rule's severity in ``[severity]``, which always wins.

The questions several rules ask (query scopes and predicates, index matching, type facts,
existing or new tables, tenancy, naming) are answered by the public analysis layer,
:mod:`pgarch_lint.analysis` (also reachable as ``api.analysis``): rules import this module and
those. ``conventions`` and ``per_statement`` here are the analysis layer's
(``analysis.conventions``, ``analysis.memo.per_statement``). The classes of the objects
``ctx.catalog`` returns (``Table``, ``Column``, ``Index``, ``Constraint``, ``View``...) are here
for type hints; rules only read them.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pgarch_lint import analysis
from pgarch_lint import astutil as util
from pgarch_lint.analysis import conventions
from pgarch_lint.analysis.memo import per_statement
from pgarch_lint.catalog import (
    Catalog,
    CatalogView,
    Column,
    Constraint,
    Function,
    Index,
    IndexKey,
    Loc,
    Origin,
    Policy,
    Sequence,
    Table,
    Tracked,
    TypeDef,
    View,
    declared,
    is_binary_coercible,
    make_object_name,
    normalize_type,
)
from pgarch_lint.edits import Applicability, Edit, Fix
from pgarch_lint.kinds import Category, Severity
from pgarch_lint.locks import LockMode, LockTaken
from pgarch_lint.sql import (
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
    Tree,
    ast,
    deparse,
    enums,
    walk,
)
from pgarch_lint.transaction import TxState

if TYPE_CHECKING:
    from pgarch_lint.config import Settings

__all__ = [
    "RESERVED_KEYWORDS",
    "TYPE_FUNC_NAME_KEYWORDS",
    "AnyStatement",
    "Applicability",
    "Catalog",
    "CatalogView",
    "Category",
    "Column",
    "Constraint",
    "Context",
    "DynamicExecute",
    "Edit",
    "EndOfFile",
    "EndOfRun",
    "FileInfo",
    "Fix",
    "Function",
    "Index",
    "IndexKey",
    "Loc",
    "LockMode",
    "LockTaken",
    "Origin",
    "Policy",
    "Rule",
    "RuleLike",
    "Sequence",
    "Severity",
    "Statement",
    "SuppressionDirective",
    "SyntaxErrorEvent",
    "Table",
    "Tracked",
    "Tree",
    "TxState",
    "TypeDef",
    "View",
    "Violation",
    "analysis",
    "ast",
    "conventions",
    "declared",
    "deparse",
    "enums",
    "is_binary_coercible",
    "make_object_name",
    "normalize_type",
    "option",
    "per_statement",
    "rule",
    "util",
    "walk",
]


# --- events ---------------------------------------------------------------------------------


class AnyStatement:
    """Ask for every statement: ``check`` receives the statement's root AST node."""


@dataclass(frozen=True, slots=True)
class EndOfFile:
    """Dispatched after the last statement of each checked file."""

    path: str


@dataclass(frozen=True, slots=True)
class EndOfRun:
    """Dispatched once after the last file; ``ctx.catalog`` is the final schema."""

    checked_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyntaxErrorEvent:
    """A chunk that does not parse, or bytes that are not UTF-8 (``offset`` may be None)."""

    message: str
    offset: int
    end: int


@dataclass(frozen=True, slots=True)
class DynamicExecute:
    """A PL/pgSQL ``EXECUTE`` whose SQL string is an expression (not linted as SQL).

    ``expr`` is the parsed expression (None when it does not parse), ``variables`` the names
    of the function's parameters and declared variables, ``using`` whether ``USING`` binds
    parameters.
    """

    text: str
    expr: ast.Node | None
    variables: frozenset[str]
    using: bool
    start: int
    end: int
    variable_types: dict[str, str] = field(default_factory=dict)  # name -> declared type


@dataclass(frozen=True, slots=True)
class SuppressionDirective:
    """A suppression comment, dispatched after the run to the rules that judge suppression
    comments (``unknown-suppression``, ``unused-suppression``)."""

    path: str
    start: int
    end: int
    names: tuple[str, ...]  # empty: every rule
    unknown: tuple[str, ...]  # names that are not rules
    used: bool
    inactive: bool = False  # names a known rule that is not selected in this run
    hints: tuple[str, ...] = ()  # per unknown name: the closest rule name, or ""
    malformed: str | None = None  # text after ignore-file that is not a rule list


# --- what a rule sees ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement being checked. Offsets are absolute character offsets in the file's text."""

    node: ast.Node | None  # the statement's root AST node (None for events)
    start: int
    end: int
    text: str
    nested: bool = False  # inside a DO block or a PL/pgSQL body
    deferred: bool = False  # inside a function body: runs when called, not at migration time
    query_name: str | None = None  # sqlc's ``-- name: X`` annotation
    locks: tuple[LockTaken, ...] = ()  # table locks this statement takes (see locks.py)


@dataclass(frozen=True, slots=True)
class FileInfo:
    """The file being checked: its displayed path, the tool its markers name, whether it is
    a --context file and whether it runs DDL."""

    path: str
    tool: str | None  # goose, dbmate, flyway, sqlc, psql, or None
    context: bool  # replayed for the catalog only, never reported
    ddl: bool = False  # some statement of the file changes the schema (CREATE, ALTER, DROP...)


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields. ``node`` (or ``start``/``end`` offsets, or ``at``) gives the place."""

    message: str
    help: str | None = None
    node: ast.Node | None = None
    start: int | None = None
    end: int | None = None
    # for end-of-run rules: a statement recorded by the catalog; with ``start`` (and
    # ``end``), the finding is placed there inside that statement
    at: Loc | None = None
    redact: bool = False  # the statement holds a secret: never echo its text (source line,
    #                       fingerprint); the finding keeps only its position and message
    severity: Severity | None = None  # this finding's severity when it is not the rule's
    #                                   default; a user's [severity] override for the rule wins
    fix: Fix | None = None  # the edits that resolve it, when they can be written for the user


@dataclass(slots=True)
class Context:
    """Everything a rule may read. Rules never change it."""

    catalog: CatalogView  # the Catalog, typed read-only: rules ask it, never change it
    file: FileInfo
    tx: TxState
    pg_version: int
    options: Any  # an instance of the running rule's options dataclass (Rule.options)
    statement: Statement | None = None
    parents: tuple[ast.Node, ...] = ()
    _spans: Callable[[ast.Node | None, tuple[ast.Node, ...]], tuple[int, int]] | None = None
    # the checked (not context) files: for a statement's check those replayed so far (its own
    # file included: what it finds never depends on later files), for whole-schema rules all
    checked_paths: AbstractSet[str] = field(default_factory=frozenset)
    _position: Callable[[int], tuple[int, int]] | None = None
    settings: Settings | None = (
        None  # the run's Settings (naming templates, tenancy, pg_version...)
    )

    # the engine's note sink, called with this context (not a closure over it: a context
    # referring to itself would keep the statement's tree alive until a GC pass)
    _notes: Callable[[Context, str, ast.Node | None], None] | None = None
    rule_name: str = ""  # the rule being run (the engine sets it)
    _statement_key: str | None = None
    _source: Callable[[str], str | None] | None = None  # a file's text, by path
    _masked: Callable[[str], str | None] | None = None  # ... as the parser sees it
    _paths: Callable[[], tuple[str, ...]] | None = None  # every file of the run, in order

    def statement_key(self) -> str:
        """The statement's text with runs of whitespace made one space (findings'
        fingerprints are made of it: reformatting a statement keeps them)."""
        key = self._statement_key
        if key is None:
            key = self._statement_key = (
                " ".join(self.statement.text.split()) if self.statement is not None else ""
            )
        return key

    def note(self, message: str, node: ast.Node | None = None) -> None:
        """Say something that is not a finding (e.g. "table x is not in the catalog: skipped");
        shown with ``check --verbose``, never counted."""
        if self._notes is not None:
            self._notes(self, message, node)

    def source_text(self, path: str | None = None) -> str | None:
        """The text of a file of the run as it was read (decoded, its own line endings):
        the current file, or ``path`` (a whole-schema rule building a fix at ``Loc.path``).
        Offsets of findings and fixes are offsets into this text. None when unknown."""
        if self._source is None:
            return None
        return self._source(path if path is not None else self.file.path)

    def parser_text(self) -> str | None:
        """The current file's text as the parser reads it: same length and offsets as
        :meth:`source_text`, with what is not SQL blanked (down-migration sections, psql
        meta-commands, COPY data) and placeholders replaced. For reading later statements."""
        if self._masked is None:
            return None
        return self._masked(self.file.path)

    def run_paths(self) -> tuple[str, ...]:
        """Every file of the run (context files included), in replay order. Complete for
        whole-schema rules (``EndOfRun``); a statement's check may not see later files."""
        return self._paths() if self._paths is not None else ()

    def line_of(self, offset: int) -> int:
        """1-based line of an absolute offset in the current file."""
        return self._position(offset)[0] if self._position is not None else 0

    def span(self, node: ast.Node) -> tuple[int, int]:
        """Absolute (start, end) offsets of ``node`` in the current file."""
        if self._spans is None or self.statement is None:
            return (0, 0)
        return self._spans(node, self.parents)

    def report_loc(self, locs: tuple[Loc | None, ...] | list[Loc | None]) -> Loc | None:
        """The first of ``locs`` that lies in a checked (not context) file, else None.

        Whole-schema rules report an object at the statement that created it when that
        statement is in a checked file, else at the first later change in a checked file.
        """
        for loc in locs:
            if loc is not None and loc.path in self.checked_paths:
                return loc
        return None


# the node parameter is Any: each rule's check takes the node classes (or events) it asks for
CheckFn = Callable[[Any, Context], Iterator[Violation]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: frozen metadata plus its check function."""

    name: str
    category: Category
    severity: Severity
    summary: str
    rationale: str
    fix: str
    bad: str
    good: str
    nodes: tuple[type, ...]
    check: CheckFn
    default: bool = True  # on by default (False: opt-in)
    options: type | None = None  # a frozen dataclass whose fields are made with option()
    strict: bool = False  # part of the "strict" preset although opt-in
    pack: str | None = None  # third-party pack name; None for built-ins
    live_only: bool = False  # needs a live database (``--dsn``): silent in static runs
    # other names the rule answers to (another tool's name for the same check, e.g. squawk's):
    # config, --select, explain and suppression comments accept them (docs/configuration.md)
    aliases: tuple[str, ...] = ()
    autofix: str = ""  # what the rule's fixes do, when it offers any (its page shows it)

    @property
    def qualified_name(self) -> str:
        return self.name if self.pack is None else f"{self.pack}/{self.name}"


class RuleLike(Protocol):
    """What the engine, the config and the reporters read from a rule.

    A :class:`Rule`, or the registry's stand-in (:class:`pgarch_lint.registry.RuleRef`) that
    holds a rule's metadata from the registry cache and imports the rule's module only when
    its check function, options or texts are needed.
    """

    @property
    def name(self) -> str: ...
    @property
    def category(self) -> Category: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def summary(self) -> str: ...
    @property
    def rationale(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def bad(self) -> str: ...
    @property
    def good(self) -> str: ...
    @property
    def nodes(self) -> tuple[type, ...]: ...
    @property
    def check(self) -> CheckFn: ...
    @property
    def default(self) -> bool: ...
    @property
    def options(self) -> type | None: ...
    @property
    def strict(self) -> bool: ...
    @property
    def pack(self) -> str | None: ...
    @property
    def live_only(self) -> bool: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def autofix(self) -> str: ...
    @property
    def qualified_name(self) -> str: ...


def option(default: Any, help: str) -> Any:
    """One option of a rule: a field of the rule's options dataclass.

    Users set it as the kebab-case key of the field name in
    ``[tool.pgarch-lint.rules.<rule-name>]``; the config loader validates the types (with
    pydantic, only when the option is set) and rejects unknown keys. Defaults must be
    immutable (tuples, not lists). Kept free of pydantic so that a run without rule options
    never pays pydantic's import time.
    """
    return dataclasses.field(default=default, metadata={"help": help})


def rule(
    *,
    name: str,
    category: Category,
    severity: Severity,
    summary: str,
    fix: str,
    bad: str,
    good: str,
    nodes: tuple[type, ...],
    default: bool = True,
    options: type | None = None,
    strict: bool = False,
    live_only: bool = False,
    aliases: tuple[str, ...] = (),
    autofix: str = "",
) -> Callable[[CheckFn], Rule]:
    """Declare a rule. The decorated function's docstring is the rationale; ``aliases`` are
    other names it answers to (several rules may share one: it then names them all);
    ``autofix`` says what the fixes its violations carry do, and when they are safe."""

    def deco(fn: CheckFn) -> Rule:
        doc = inspect.cleandoc(fn.__doc__ or "")
        if not doc:
            raise ValueError(f"rule {name!r}: the check function needs a docstring (rationale)")
        return Rule(
            name=name,
            category=category,
            severity=severity,
            summary=summary,
            rationale=doc,
            fix=inspect.cleandoc(fix),
            bad=inspect.cleandoc(bad),
            good=inspect.cleandoc(good),
            nodes=nodes,
            check=fn,
            default=default,
            options=options,
            strict=strict,
            live_only=live_only,
            aliases=tuple(aliases),
            autofix=inspect.cleandoc(autofix),
        )

    return deco
