"""The analysis behind missing-index-for-query, imported only for statements that may read
a table."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from typing import Any

from pgarch_lint.api import (
    Context,
    Violation,
    conventions,
    deparse,
    util,
)

from ._queries import (
    Access,
    Term,
    accesses,
    dedupe,
    index_name,
    key_term,
    pattern_capable,
    policy_eq_columns,
    predicate_implied,
    prefix,
    statement_levels,
    table_label,
)
from ._query_kinds import is_query_file


@dataclass
class _Need:
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


def _drives(acc: Access, other: Any) -> bool:
    """Whether ``other`` is likely the outer side of a nested loop into ``acc``'s table: it
    comes earlier in the join order, it is a CTE, subquery, function or unknown relation
    (usually small: parameters unnested, a few ids), or it has its own equality filter."""
    if other.kind != "table":
        return True
    if acc.item.inner and other.order < acc.item.order:
        return True
    return any(p.item is other and p.kind == "eq" and not p.weak for p in acc.level_preds)


def _need(acc: Access, command: str, tenant_columns: tuple[str, ...]) -> _Need:
    n = _Need()
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
    n.eq = dedupe(n.eq, lambda t: t.key)
    # A tenant column is a coarse filter: when the query also fixes a more selective column,
    # an index on that column serves it and the tenant column is only re-checked.
    if any(t.key not in tenant for t in n.eq):
        n.eq = [t for t in n.eq if t.key not in tenant]
    for terms in groups.values():
        terms = dedupe([t for t in terms if t.key not in tenant] or terms, lambda t: t.key)
        n.join_groups.append(terms)
        n.join = dedupe(n.join + terms, lambda t: t.key)
    for t in acc.sort:
        if t.key not in n.usable:
            n.sort = t
            break
    return n


def _serves(ix: Any, acc: Access, n: _Need, quals_text: Container[str]) -> tuple[bool, int]:
    """(serves, closeness score) of one index for one table access."""
    fixed: set[str] = set()
    implied = True
    if ix.predicate_node is not None:
        implied, fixed = predicate_implied(ix.predicate_node, acc.preds, quals_text)
    if not implied:
        _, score = _serves_keys(ix, acc, n, fixed)
        return False, score - 1
    return _serves_keys(ix, acc, n, fixed)


def _serves_keys(ix: Any, acc: Access, n: _Need, fixed: set[str]) -> tuple[bool, int]:
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


def _describe(n: _Need) -> str:
    parts: list[str] = []
    if n.eq:
        parts.append("equality on " + ", ".join(t.label for t in n.eq))
    if n.join:
        parts.append("join on " + ", ".join(t.label for t in n.join))
    for t, kind in n.ranges[:1]:
        parts.append(("LIKE prefix on " if kind == "like" else "range on ") + t.label)
    if n.sort is not None:
        parts.append(f"ORDER BY {n.sort.label} with LIMIT")
    return "; ".join(parts)


def _suggest(acc: Access, n: _Need, ctx: Context) -> str:
    # columns an RLS policy fixes lead (tenant-first), then the query's own equalities
    cols: list[str] = sorted(policy_eq_columns(acc.table, "select"))
    cols += [t.label for t in n.eq] + [t.label for t in n.join]
    names = list(cols)
    if n.sort is not None:
        cols.append(n.sort.label)
        names.append(n.sort.label)
    elif n.ranges:
        t, kind = n.ranges[0]
        label = t.label
        if kind == "like":
            col = acc.table.columns.get(t.column) if t.column else None
            ops = (
                "varchar_pattern_ops"
                if col is not None and col.type.startswith("varchar")
                else ("text_pattern_ops")
            )
            label = f"{label} {ops}"
        cols.append(label)
        names.append(t.label)
    cols = dedupe(cols, lambda c: c)
    names = dedupe(names, lambda c: c)
    if ctx.settings is not None:
        ixname = conventions.suggest(
            ctx.catalog,
            ctx.settings.naming,
            "index",
            acc.table.name,
            names,
            complete=is_query_file(ctx),  # a query file does not change the schema
        )
    else:
        ixname = index_name("ix_{table}__{columns}", acc.table.name, names)
    return (
        f"CREATE INDEX CONCURRENTLY {util.quote_ident(ixname)} ON {table_label(acc.item.rv)} "
        f"({', '.join(cols)});"
    )


_COMMANDS = {"UpdateStmt": "update", "DeleteStmt": "delete", "MergeStmt": "update"}


def violations(node: Any, ctx: Context) -> Iterator[Violation]:
    """The findings of missing-index-for-query for one statement that may read tables."""
    scope, levels = statement_levels(node, ctx)
    if not levels:
        return
    for lvl in levels:
        for it in lvl.items:
            if it.kind == "unknown" and it.rv is not None:
                ctx.note(
                    f'"{table_label(it.rv)}" is not in the schema catalog: its accesses are not '
                    "checked for indexes (give its DDL with --context)",
                    node=it.rv,
                )
    tenants: tuple[str, ...] = ("tenant_id",)
    if ctx.settings is not None:
        tenants = tuple(ctx.settings.tenancy.tenant_columns)
    for acc in accesses(scope, levels):
        command = _COMMANDS.get(type(acc.level.node).__name__, "select")
        n = _need(acc, command, tenants)
        if n.empty:
            continue
        quals_text = _QualsText(acc)
        best: tuple[int, Any] = (-2, None)
        served = False
        for ix in ctx.catalog.indexes_on(acc.table):
            ok, score = _serves(ix, acc, n, quals_text)
            if ok:
                served = True
                break
            if score > best[0]:
                best = (score, ix)
        if served:
            continue
        ix = best[1]
        if ix is not None and best[0] > 0:
            closest = f'closest is "{ix.name}" ({", ".join(ix.columns)})'
            if ix.predicate:
                closest += f" WHERE {ix.predicate}"
                if not predicate_implied(ix.predicate_node, acc.preds, quals_text)[0]:
                    closest += ", a partial index whose predicate the query does not imply"
        elif ctx.catalog.indexes_on(acc.table):
            closest = "no index on it starts with a column the query constrains"
        else:
            closest = "the table has no index at all"
        yield Violation(
            f'{prefix(ctx)}no index on "{table_label(acc.item.rv)}" serves {_describe(n)}; '
            f"{closest}",
            help=f"Add an index that serves the query: {_suggest(acc, n, ctx)}",
            node=acc.item.rv,
        )
        return


class _QualsText:
    """The query's conditions on a table as text (see :func:`_quals_text`), deparsed on the
    first membership test: only partial indexes with unusual predicates need them."""

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
    import re

    out: set[str] = set()
    for q in acc.level.quals:
        text = deparse(q.expr)
        for qual in acc.item.qualifiers:
            text = re.sub(rf'(?<![\w"$.]){re.escape(qual)}\.(?=["\w])', "", text)
        out.add(text)
    return out
