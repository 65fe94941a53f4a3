"""The schema catalog: what the replayed DDL has created, and where.

The catalog replays DDL statement by statement. It is the single place that knows what a
CREATE/ALTER/DROP does to the schema; rules only ask it questions (``table(ref)``,
``indexes_on(table)``, ``column(table, name)`` ...) through a read-only
:class:`~pgarch_lint.catalog.view.CatalogView` and never re-derive schema state.

The package, in dependency order (each module's docstring documents its part):

==================  ===========================================================================
module              holds
==================  ===========================================================================
``types``           type normalisation (``normalize_type``) and binary-coercible type changes
                    (``is_binary_coercible``): the one place for type knowledge
``names``           identifier length (NAMEDATALEN), PostgreSQL's generated names
                    (``make_object_name``, ``choose_name``), search_path parsing and resolution
``objects``         the object model (``Table``, ``Column``, ``Constraint``, ``Index``,
                    ``Policy``, ``View``, ``Function``, ``TypeDef``, ``Sequence``...), lazily
                    deparsed expressions, ``expression_tree``, foreign-key actions
``nodes``           small readers of parse-tree nodes used by the replay
``declared``        the ledger of declared names (``NameDef``, ``Ledger``, ``CaseEvidence``) and
                    its readers (``defined_names``, ``constraint_info``...)
``sketches``        ``Sketches``: the named CHECK / FOREIGN KEY constraints ALTER TABLE adds to
                    tables the catalog does not hold (``constraints_of`` reads them)
``view``            ``CatalogView``: the lookups rules may use (a Protocol)
``queries``         ``CatalogQueries``: name resolution and lookups; origins, absence,
                    volatile defaults
``replay/``         one module per statement family; ``replay.HANDLERS`` is the explicit
                    node type -> handler table
``store``           ``Catalog``: storage, run control and the verbs that change it (the only
                    code that keeps its secondary indexes)
``coverage``        what the replay models of a statement, and what it leaves out (triggers,
                    storage parameters, data...): ``coverage(node)``
==================  ===========================================================================

Known gaps
==========

Expressions (index expressions, CHECK bodies, policy expressions, view queries) are stored as
deparsed text and are not rewritten when a column they mention is renamed. Triggers, rules,
foreign tables, publications and statistics objects are not modelled. ``DROP TYPE ... CASCADE``
does not drop the columns of that type.
"""

from __future__ import annotations

from pgarch_lint.catalog.names import NAMEDATALEN, make_object_name
from pgarch_lint.catalog.objects import (
    Column,
    Constraint,
    Extension,
    Function,
    Grant,
    Index,
    IndexKey,
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
    iter_objects,
)
from pgarch_lint.catalog.queries import VOLATILE_FUNCTIONS
from pgarch_lint.catalog.store import Catalog
from pgarch_lint.catalog.types import is_binary_coercible, normalize_type
from pgarch_lint.catalog.view import CatalogView

__all__ = [
    "NAMEDATALEN",
    "VOLATILE_FUNCTIONS",
    "Catalog",
    "CatalogView",
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
    "expression_tree",
    "is_binary_coercible",
    "iter_objects",
    "make_object_name",
    "normalize_type",
]
