"""Helpers shared by the index rules (fk-missing-index, duplicate-index, redundant-index...).

Index definitions are compared in a normalised form built from the catalog's :class:`Index`
objects: method, key columns/expressions (expressions by their deparsed text), opclasses,
collations, sort order, predicate (deparsed) and INCLUDE columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgarch_lint.api import Context, ast, enums, util

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


def key_sig(k: Any) -> KeySig:
    """One index key, normalised: (kind, text, opclass, collation, ordering, nulls)."""
    ordering = k.ordering if k.ordering != "asc" else None
    nulls = k.nulls
    # NULLS LAST is the default for ASC, NULLS FIRST for DESC
    if (ordering is None and nulls == "last") or (ordering == "desc" and nulls == "first"):
        nulls = None
    if k.column is not None:
        return ("col", k.column, _opclass(k.opclass), _collation(k.collation), ordering, nulls)
    return ("expr", k.expression, _opclass(k.opclass), _collation(k.collation), ordering, nulls)


def index_sig(ix: Any) -> tuple[Any, ...]:
    """The normalised definition of an index (uniqueness excluded)."""
    return (
        ix.method,
        tuple(key_sig(k) for k in ix.keys),
        ix.predicate,
        tuple(sorted(ix.include)),
        bool(ix.nulls_not_distinct) if ix.unique else False,
    )


def is_exclusion(ix: Any) -> bool:
    """An index that backs an EXCLUDE constraint (its operators are part of its meaning)."""
    return bool(ix.constraint) and not ix.unique and not ix.primary


def own_indexes(ctx: Context, table: Any) -> list[Any]:
    """Indexes of ``table`` that are not partition clones of a parent's index."""
    return [ix for ix in ctx.catalog.indexes_on(table) if ix.parent is None]


def describe(ix: Any) -> str:
    """A short definition for messages: ``btree (a, b) WHERE ...``."""
    keys = ", ".join(k.text for k in ix.keys)
    inc = f" INCLUDE ({', '.join(ix.include)})" if ix.include else ""
    where = f" WHERE {ix.predicate}" if ix.predicate else ""
    uniq = "unique " if ix.unique else ""
    return f"{uniq}{ix.method} ({keys}){inc}{where}"


def qname(qualified: str) -> str:
    """A qualified ``schema.name`` for SQL text: the schema is dropped for ``public``."""
    schema, _, name = qualified.rpartition(".")
    if not schema or schema == "public":
        return util.quote_ident(name)
    return f"{util.quote_ident(schema)}.{util.quote_ident(name)}"


def index_ref(ix: Any) -> str:
    return qname(f"{ix.schema}.{ix.name}")


def drop_sql(ix: Any) -> str:
    return f"DROP INDEX CONCURRENTLY {index_ref(ix)};"


def later(a: Any, b: Any) -> Any:
    """The index of the two that was created later (by file, then offset)."""

    def pos(ix: Any) -> tuple[int, int]:
        return (ix.file_index, ix.created.start if ix.created is not None else -1)

    return b if pos(b) >= pos(a) else a


def loc_of(ctx: Context, ix: Any) -> Any:
    return ctx.report_loc([ix.created, *ix.changed])


def _not_null_columns(pred: Any) -> set[str] | None:
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


def predicate_ok_for(ix: Any, columns: list[str]) -> bool:
    """Whether a partial index still serves lookups by ``columns`` (a foreign key): its
    predicate is implied by ``col IS NOT NULL`` on those columns."""
    if ix.predicate is None:
        return True
    if ix.predicate_node is None:
        return False
    cols = _not_null_columns(ix.predicate_node)
    return cols is not None and cols <= set(columns)


def covers(ix: Any, columns: list[str]) -> bool:
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


def finds_one_row(ix: Any, columns: list[str], *, predicate: bool = True) -> bool:
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


def pairs(indexes: list[Any]) -> Iterator[tuple[Any, Any]]:
    for i, a in enumerate(indexes):
        for b in indexes[i + 1 :]:
            yield a, b


def statement_columns(node: Any, ctx: Context) -> Iterator[tuple[Any, Any]]:
    """(IndexElem, catalog Column or None) for each plain-column key of a CREATE INDEX."""
    if not isinstance(node.relation, ast.RangeVar):
        return
    table = ctx.catalog.table(node.relation)
    if table is None:
        return
    for elem in node.indexParams or ():
        if isinstance(elem, ast.IndexElem) and elem.name:
            yield elem, ctx.catalog.column(table, elem.name)
