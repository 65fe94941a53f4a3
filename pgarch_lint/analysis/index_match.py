"""Which index serves a query's access to a table: the analysis behind missing-index-for-query.

Built on :mod:`.queries`: for one :class:`~.queries.Access` (a read of a catalog table with its
classified conditions), :func:`need_of` says what an index must provide (an
:class:`IndexNeed`: the equality terms it must lead with, the join terms of a nested loop
from a driving relation, the terms fixed to one value, one range or ``LIKE 'prefix%'`` term,
and the first ``ORDER BY ... LIMIT`` term no equality fixes), and :func:`serves` whether one
catalog index provides it, with a closeness score; :func:`closest_index` runs it over the
table's indexes.

An index serves the access when its leading key columns are the equality terms (in any order;
a prefix of two or more of them is selective enough), optionally followed by the range or sort
term; a unique index whose every key is fixed serves it; a hash index serves one equality. A
partial index counts only when the query's conditions imply its predicate
(:func:`predicate_implied`: the common literal forms, or the same condition written in the
query); ``LIKE 'prefix%'`` needs a pattern opclass or the C collation
(:func:`pattern_capable`). Columns every permissive RLS policy fixes count as fixed
(:func:`~.queries.policy_eq_columns`); a tenant column is not required when the query also
fixes a more selective column.

Index keys are named like :class:`~.queries.Term` keys (:func:`key_term`): ``col:<name>`` or
``expr:<deparsed expression>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from pgarch_lint.catalog import Index, IndexKey, Table, expression_tree
from pgarch_lint.sql import ast, deparse, enums

from .nodes import colref_names, conjuncts, const_of, op_name, strip_casts
from .queries import Access, Item, Pred, Term, policy_eq_columns

if TYPE_CHECKING:
    from pgarch_lint.sql import Tree

__all__ = [
    "IndexNeed",
    "QualsText",
    "closest_index",
    "key_term",
    "need_of",
    "pattern_capable",
    "pattern_opclass",
    "predicate_implied",
    "serves",
]

_K = enums.A_Expr_Kind
_T = TypeVar("_T")
_PATTERN_OPCLASSES = ("text_pattern_ops", "varchar_pattern_ops", "bpchar_pattern_ops")
_C_COLLATIONS = ("c", "posix", "ucs_basic")


# --- index keys and partial-index predicates -------------------------------------------------


def key_term(k: IndexKey) -> str:
    """An index key named like a :class:`~.queries.Term` key."""
    return f"col:{k.column}" if k.column is not None else f"expr:{k.expression}"


def _norm_value(node: Tree) -> str:
    ok, v = const_of(node)
    if ok:
        return repr(v)
    return deparse(node)


def predicate_implied(
    index_pred: ast.Node | None, preds: list[Pred], quals_text: Container[str]
) -> tuple[bool, set[str]]:
    """Whether the query's conditions imply a partial index's predicate.

    Returns (implied, terms the predicate fixes to one value: ``col = 'x'``, ``col IS NULL``,
    boolean ``col``). Handles the common literal forms; anything else must appear verbatim
    (after removing table qualifiers) among the query's conditions.
    """
    fixed: set[str] = set()
    by_term: dict[str, list[Pred]] = {}
    for p in preds:
        by_term.setdefault(p.term.key, []).append(p)
    for c in conjuncts(index_pred):
        ok, fix = _implied_one(c, by_term, quals_text)
        if not ok:
            return False, set()
        if fix is not None:
            fixed.add(fix)
    return True, fixed


def _implied_one(
    c: ast.Node, by_term: dict[str, list[Pred]], quals_text: Container[str]
) -> tuple[bool, str | None]:
    ok, fix = _implied_form(c, by_term)
    if ok:
        return ok, fix
    return deparse(c) in quals_text, None


def _implied_form(c: ast.Node, by_term: dict[str, list[Pred]]) -> tuple[bool, str | None]:
    if isinstance(c, ast.ColumnRef) or (
        isinstance(c, ast.BoolExpr)
        and c.boolop == enums.BoolExprType.NOT_EXPR
        and isinstance((c.args or (None,))[0], ast.ColumnRef)
    ):
        want = not isinstance(c, ast.BoolExpr)
        ref = c if isinstance(c, ast.ColumnRef) else (c.args or (None,))[0]
        key = f"col:{(colref_names(ref) or ['?'])[-1]}"
        for p in by_term.get(key, []):
            if p.kind == "bool" and p.value is want:
                return True, key
            if p.kind == "eq" and p.op == "=":
                ok, v = const_of(p.value)
                if ok and v is want:
                    return True, key
        return False, None
    if isinstance(c, ast.NullTest) and isinstance(arg := strip_casts(c.arg), ast.ColumnRef):
        key = f"col:{(colref_names(arg) or ['?'])[-1]}"
        ps = by_term.get(key, [])
        if c.nulltesttype == enums.NullTestType.IS_NULL:
            return any(p.kind == "null" for p in ps), key
        return any(p.kind in ("eq", "range", "like", "join", "notnull", "bool") for p in ps), None
    if isinstance(c, ast.A_Expr) and isinstance(lexpr := strip_casts(c.lexpr), ast.ColumnRef):
        key = f"col:{(colref_names(lexpr) or ['?'])[-1]}"
        ps = by_term.get(key, [])
        op = op_name(c)
        if c.kind == _K.AEXPR_OP and op == "=":
            wanted = _norm_value(c.rexpr)
            for p in ps:
                if p.kind == "eq" and p.op == "=" and _norm_value(p.value) == wanted:
                    return True, key
                if (
                    p.kind == "eq"
                    and p.op == "in"
                    and len(p.value) == 1
                    and _norm_value(p.value[0]) == wanted
                ):
                    return True, key
            return False, None
        if c.kind == _K.AEXPR_OP and op == "<>":
            bad = _norm_value(c.rexpr)
            for p in ps:
                if p.kind == "ne" and _norm_value(p.value) == bad:
                    return True, None
                if (
                    p.kind == "eq"
                    and p.op == "="
                    and const_of(p.value)[0]
                    and _norm_value(p.value) != bad
                ):
                    return True, None
                if (
                    p.kind == "eq"
                    and p.op == "in"
                    and all(const_of(v)[0] and _norm_value(v) != bad for v in p.value)
                ):
                    return True, None
            return False, None
        if c.kind == _K.AEXPR_IN and op == "=" and isinstance(c.rexpr, tuple):
            allowed = {_norm_value(v) for v in c.rexpr}
            for p in ps:
                if p.kind == "eq" and p.op == "=" and _norm_value(p.value) in allowed:
                    return True, None
                if p.kind == "eq" and p.op == "in" and {_norm_value(v) for v in p.value} <= allowed:
                    return True, None
            return False, None
    return False, None


def pattern_capable(k: IndexKey, table: Table | None) -> bool:
    """An index key usable for ``LIKE 'prefix%'``: a pattern opclass or the C collation."""
    if k.opclass and k.opclass.rsplit(".", 1)[-1] in _PATTERN_OPCLASSES:
        return True
    coll = (k.collation or "").rsplit(".", 1)[-1].strip('"').lower()
    if not coll and k.column is not None and table is not None:
        col = table.columns.get(k.column)
        coll = (
            (col.collation or "").rsplit(".", 1)[-1].strip('"').lower() if col is not None else ""
        )
    return coll in _C_COLLATIONS


def pattern_opclass(column_type: str) -> str:
    """The pattern opclass an index key on a column of ``column_type`` (the catalog's
    normalised type) needs for ``LIKE 'prefix%'``."""
    return "varchar_pattern_ops" if column_type.startswith("varchar") else "text_pattern_ops"


# --- what an access needs, and which index provides it ------------------------------------


@dataclass
class IndexNeed:
    """What an index must provide to serve one table access."""

    eq: list[Term] = field(default_factory=list)  # equality filters an index must lead with
    join: list[Term] = field(default_factory=list)  # join columns of an inner side
    join_groups: list[list[Term]] = field(default_factory=list)  # per driving relation
    usable: set[str] = field(default_factory=set)  # every term fixed to one value per lookup
    ranges: list[tuple[Term, str]] = field(default_factory=list)  # (term, "range" | "like")
    sort: Term | None = None  # first ORDER BY term not fixed by an equality, with LIMIT

    @property
    def empty(self) -> bool:
        return not (self.eq or self.join or self.ranges or self.sort)


def _drives(acc: Access, other: Item) -> bool:
    """Whether ``other`` is likely the outer side of a nested loop into ``acc``'s table: it
    comes earlier in the join order, it is a CTE, subquery, function or unknown relation
    (usually small: parameters unnested, a few ids), or it has its own equality filter."""
    if other.kind != "table":
        return True
    if acc.item.inner and other.order < acc.item.order:
        return True
    return any(p.item is other and p.kind == "eq" and not p.weak for p in acc.level_preds)


def need_of(acc: Access, command: str, tenant_columns: tuple[str, ...]) -> IndexNeed:
    """What an index must provide to serve ``acc``; ``command`` is the policy command that
    applies (``select``, ``update``, ``delete``), ``tenant_columns`` the configured tenant
    columns (``[tenancy] tenant-columns``)."""
    n = IndexNeed()
    tenant = {f"col:{c}" for c in tenant_columns}
    groups: dict[int, list[Term]] = {}
    for p in acc.preds:
        if p.kind == "eq" and not p.weak:
            n.eq.append(p.term)
        elif p.kind == "join" and p.other is not None:
            n.usable.add(p.term.key)
            if _drives(acc, p.other):
                groups.setdefault(id(p.other), []).append(p.term)
        elif p.kind in ("range", "like"):
            n.ranges.append((p.term, p.kind))
        if p.kind in ("eq", "null", "bool"):
            n.usable.add(p.term.key)
    n.usable |= {f"col:{c}" for c in policy_eq_columns(acc.table, command)}
    n.eq = _dedupe(n.eq, lambda t: t.key)
    # A tenant column is a coarse filter: when the query also fixes a more selective column,
    # an index on that column serves it and the tenant column is only re-checked.
    if any(t.key not in tenant for t in n.eq):
        n.eq = [t for t in n.eq if t.key not in tenant]
    for terms in groups.values():
        terms = _dedupe([t for t in terms if t.key not in tenant] or terms, lambda t: t.key)
        n.join_groups.append(terms)
        n.join = _dedupe(n.join + terms, lambda t: t.key)
    for t in acc.sort:
        if t.key not in n.usable:
            n.sort = t
            break
    return n


def serves(ix: Index, acc: Access, n: IndexNeed, quals_text: Container[str]) -> tuple[bool, int]:
    """(serves, closeness score) of one index for one table access."""
    fixed: set[str] = set()
    implied = True
    predicate = expression_tree(ix.predicate)
    if predicate is not None:
        implied, fixed = predicate_implied(predicate, acc.preds, quals_text)
    if not implied:
        _, score = _serves_keys(ix, acc, n, fixed)
        return False, score - 1
    return _serves_keys(ix, acc, n, fixed)


def _serves_keys(ix: Index, acc: Access, n: IndexNeed, fixed: set[str]) -> tuple[bool, int]:
    keys = list(ix.keys)
    terms = [key_term(k) for k in keys]
    usable = n.usable | fixed
    req = {t.key for t in n.eq} - fixed
    jreq = {t.key for t in n.join} - fixed
    if ix.method == "hash":
        t0 = terms[0] if terms else ""
        served = bool(terms) and t0 in (req | jreq) and req <= {t0} and n.sort is None
        return served, 1 if t0 in usable else 0
    if ix.method != "btree" or not keys:
        return False, 0
    p = 0
    while p < len(terms) and terms[p] in usable:
        p += 1
    lead = set(terms[:p])
    score = p * 2 + len(lead & req)
    if ix.unique and p == len(terms):
        return True, score
    # a nested loop from a driving relation: the join columns lead the index
    for group in n.join_groups:
        keys_ = {t.key for t in group} - fixed
        if keys_ and len(keys_ & lead) >= min(2, len(keys_)):
            return True, score + 1
    nxt = keys[p] if p < len(keys) else None
    nterm = terms[p] if p < len(terms) else None
    range_ok = nxt is not None and any(
        t.key == nterm and (kind == "range" or pattern_capable(nxt, acc.table))
        for t, kind in n.ranges
    )
    sort_ok = n.sort is not None and nterm == n.sort.key
    if n.eq:
        # every equality column leads the index, or (fixed by its predicate); a prefix of two
        # or more equality columns is selective enough for the rest to be re-checked
        if not (req <= lead or len(lead & req) >= 2):
            return False, score
        if n.sort is not None and not n.ranges:
            return sort_ok, score + (1 if sort_ok else 0)
        return True, score
    return range_ok or sort_ok, score + (1 if range_ok or sort_ok else 0)


def closest_index(
    acc: Access, n: IndexNeed, indexes: Iterable[Index], quals_text: Container[str]
) -> tuple[bool, int, Index | None]:
    """(some index serves ``acc``, the best closeness score, the closest index when none
    serves it) over ``indexes`` (the table's, in catalog order)."""
    best: tuple[int, Index | None] = (-2, None)
    for ix in indexes:
        ok, score = serves(ix, acc, n, quals_text)
        if ok:
            return True, score, ix
        if score > best[0]:
            best = (score, ix)
    return False, best[0], best[1]


class QualsText:
    """The query's conditions on a table as text (see :func:`_quals_text`), deparsed on the
    first membership test: only partial indexes with unusual predicates need them (the
    ``quals_text`` argument of :func:`serves` and :func:`predicate_implied`)."""

    __slots__ = ("_acc", "_texts")

    def __init__(self, acc: Access) -> None:
        self._acc = acc
        self._texts: set[str] | None = None

    def __contains__(self, text: object) -> bool:
        if self._texts is None:
            self._texts = _quals_text(self._acc)
        return text in self._texts


def _quals_text(acc: Access) -> set[str]:
    """The query's conditions on this table, deparsed without qualifiers (for predicates)."""
    out: set[str] = set()
    for q in acc.level.quals:
        text = deparse(q.expr)
        for qual in acc.item.qualifiers:
            text = re.sub(rf'(?<![\w"$.]){re.escape(qual)}\.(?=["\w])', "", text)
        out.add(text)
    return out


def _dedupe(items: Iterable[_T], key: Callable[[_T], Hashable]) -> list[_T]:
    seen: set[Hashable] = set()
    out: list[_T] = []
    for x in items:
        k = key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out
