"""Comparing index definitions and asking which lookups an index serves.

Index definitions are compared in a normalised form built from the catalog's
:class:`~pgarch_lint.catalog.Index` objects (:func:`index_sig`): method, key
columns/expressions (:func:`key_sig`: expressions by their deparsed text, the default opclass
and collation and the default NULLS order left out), predicate (deparsed), INCLUDE columns and
NULLS NOT DISTINCT. Two indexes with the same signature are duplicates whatever their names.

Lookups by a list of columns (a foreign key's, say): :func:`covers` (the columns lead a b-tree
index in any order, or are the single key of a hash index), :func:`finds_one_row` (a unique
b-tree index whose keys are all among the columns), :func:`predicate_ok_for` (a partial
index's predicate is implied by ``col IS NOT NULL`` on the columns). Indexes that back an
EXCLUDE constraint (:func:`is_exclusion`) never count: their operators are their meaning.

:func:`own_indexes` leaves out the partition clones of a parent's index; :func:`later` picks
the one of two indexes created later (the one to drop); :func:`statement_columns` reads the
plain-column keys of a CREATE INDEX with their catalog columns. Matching indexes against a
query's conditions is :mod:`.index_match`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog import Column, Index, IndexKey, Table, expression_tree
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.catalog import View

KeySig = tuple[str, str | None, str | None, str | None, str | None, str | None]

_DEFAULT_OPCLASSES = frozenset(
    {
        # the default b-tree/hash opclasses PostgreSQL picks anyway: naming them changes nothing
        "int2_ops",
        "int4_ops",
        "int8_ops",
        "text_ops",
        "varchar_ops",
        "bpchar_ops",
        "numeric_ops",
        "uuid_ops",
        "timestamptz_ops",
        "timestamp_ops",
        "date_ops",
        "bool_ops",
        "float4_ops",
        "float8_ops",
        "oid_ops",
        "bytea_ops",
        "name_ops",
        "inet_ops",
        "jsonb_ops",
        "array_ops",
        "interval_ops",
        "time_ops",
        "timetz_ops",
        "char_ops",
    }
)


def _opclass(name: str | None) -> str | None:
    if name is None:
        return None
    bare = name.rsplit(".", 1)[-1]
    return None if bare in _DEFAULT_OPCLASSES else bare


def _collation(name: str | None) -> str | None:
    if name is None:
        return None
    bare = name.rsplit(".", 1)[-1].strip('"')
    return None if bare == "default" else bare


def key_sig(k: IndexKey) -> KeySig:
    """One index key, normalised: (kind, text, opclass, collation, ordering, nulls)."""
    ordering = k.ordering if k.ordering != "asc" else None
    nulls = k.nulls
    # NULLS LAST is the default for ASC, NULLS FIRST for DESC
    if (ordering is None and nulls == "last") or (ordering == "desc" and nulls == "first"):
        nulls = None
    if k.column is not None:
        return ("col", k.column, _opclass(k.opclass), _collation(k.collation), ordering, nulls)
    return ("expr", k.expression, _opclass(k.opclass), _collation(k.collation), ordering, nulls)


def index_sig(ix: Index) -> tuple[Any, ...]:
    """The normalised definition of an index (uniqueness excluded)."""
    return (
        ix.method,
        tuple(key_sig(k) for k in ix.keys),
        ix.predicate,
        tuple(sorted(ix.include)),
        bool(ix.nulls_not_distinct) if ix.unique else False,
    )


def is_exclusion(ix: Index) -> bool:
    """An index that backs an EXCLUDE constraint (its operators are part of its meaning)."""
    return bool(ix.constraint) and not ix.unique and not ix.primary


def own_indexes(ctx: Context, table: Table | View) -> list[Index]:
    """Indexes of ``table`` that are not partition clones of a parent's index."""
    return [ix for ix in ctx.catalog.indexes_on(table) if ix.parent is None]


def later(a: Index, b: Index) -> Index:
    """The index of the two that was created later (by file, then offset)."""

    def pos(ix: Index) -> tuple[int, int]:
        return (ix.file_index, ix.created.start if ix.created is not None else -1)

    return b if pos(b) >= pos(a) else a


def _not_null_columns(pred: ast.Node | None) -> set[str] | None:
    """Columns a predicate tests with ``col IS NOT NULL`` (AND-ed), or None if it does more."""
    if isinstance(pred, ast.NullTest):
        if pred.nulltesttype != enums.NullTestType.IS_NOT_NULL:
            return None
        arg = pred.arg
        if isinstance(arg, ast.ColumnRef):
            parts = [str(f.sval) for f in arg.fields or () if isinstance(f, ast.String)]
            if parts:
                return {parts[-1]}
        return None
    if isinstance(pred, ast.BoolExpr) and pred.boolop == enums.BoolExprType.AND_EXPR:
        out: set[str] = set()
        for a in pred.args or ():
            sub = _not_null_columns(a)
            if sub is None:
                return None
            out |= sub
        return out
    return None


def predicate_ok_for(ix: Index, columns: list[str]) -> bool:
    """Whether a partial index still serves lookups by ``columns`` (a foreign key): its
    predicate is implied by ``col IS NOT NULL`` on those columns."""
    if ix.predicate is None:
        return True
    predicate = expression_tree(ix.predicate)
    if predicate is None:
        return False
    cols = _not_null_columns(predicate)
    return cols is not None and cols <= set(columns)


def covers(ix: Index, columns: list[str]) -> bool:
    """Whether ``ix`` serves lookups by ``columns`` (in any order): they are the leading key
    columns of a b-tree index, or the single key of a hash index."""
    if not columns or is_exclusion(ix):
        return False
    n = len(columns)
    if ix.method == "btree":
        lead = ix.keys[:n]
        if len(lead) < n or any(k.column is None for k in lead):
            return False
        if {str(k.column) for k in lead} != set(columns):
            return False
    elif ix.method == "hash":
        if n != 1 or len(ix.keys) != 1 or ix.keys[0].column != columns[0]:
            return False
    else:
        return False
    return predicate_ok_for(ix, columns)


def finds_one_row(ix: Index, columns: list[str], *, predicate: bool = True) -> bool:
    """Whether ``ix`` is a unique b-tree index (a primary key, a unique constraint's index or
    a UNIQUE index) whose key columns are all among ``columns`` (in any order): a lookup by
    ``columns`` finds its at most one row through it. Expression keys do not count; a partial
    index counts when its predicate is implied by ``col IS NOT NULL`` on ``columns`` (not
    checked with ``predicate=False``)."""
    if not columns or not ix.unique or ix.method != "btree" or not ix.keys or is_exclusion(ix):
        return False
    if any(k.column is None or k.column not in columns for k in ix.keys):
        return False
    return not predicate or predicate_ok_for(ix, columns)


def pairs(indexes: list[Index]) -> Iterator[tuple[Index, Index]]:
    """Every unordered pair of ``indexes``, in order."""
    for i, a in enumerate(indexes):
        for b in indexes[i + 1 :]:
            yield a, b


def statement_columns(
    node: ast.IndexStmt, ctx: Context
) -> Iterator[tuple[ast.IndexElem, Column | None]]:
    """(IndexElem, catalog Column or None) for each plain-column key of a CREATE INDEX."""
    if not isinstance(node.relation, ast.RangeVar):
        return
    table = ctx.catalog.table(node.relation)
    if table is None:
        return
    for elem in node.indexParams or ():
        if isinstance(elem, ast.IndexElem) and elem.name:
            yield elem, ctx.catalog.column(table, elem.name)
