from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.analysis.nodes import iter_nodes
from pgarch_lint.analysis.queries import Item, Level, Ref, Scope
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Tree

from ._report import query_prefix

_TABLE_KINDS = ("table", "view", "unknown")


def _groups_of(scope: Scope, lvl: Level, expr: Tree) -> set[int] | None:
    """FROM entries (top-level groups) an expression reads; None when a reference is unknown."""
    out: set[int] = set()
    for n in iter_nodes(expr):
        if isinstance(n, ast.ColumnRef):
            r = scope.resolve(lvl, n)
            if r is None:
                return None
            if isinstance(r, Ref) and r.level is lvl:
                out.add(r.item.group)
    return out


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@rule(
    name="implicit-cross-join",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="comma-joined tables with no join condition between them (cartesian product)",
    nodes=(ast.SelectStmt, ast.UpdateStmt, ast.DeleteStmt),
    bad="""
    SELECT f.id, p.name FROM files f, projects p WHERE f.owner_id = $1;
    """,
    good="""
    SELECT f.id, p.name FROM files f, projects p WHERE f.project_id = p.id AND f.owner_id = $1;
    SELECT f.id, p.name FROM files f JOIN projects p ON p.id = f.project_id;
    SELECT f.id, n FROM files f CROSS JOIN generate_series(1, 3) AS n;
    """,
    fix="Add the missing join condition; if a cartesian product is really meant, say so with "
    "an explicit `CROSS JOIN`.",
)
def check(
    node: ast.SelectStmt | ast.UpdateStmt | ast.DeleteStmt, ctx: Context
) -> Iterator[Violation]:
    """Tables listed with commas and no condition linking them are joined as a cartesian
    product: every row of one with every row of the other. It is nearly always a forgotten
    join condition (a WHERE clause edited, an alias typo), and it turns into millions of rows
    and a runaway query as the tables grow, or into duplicated rows in a report. The rule
    groups the FROM entries that the WHERE clause (or a LATERAL reference) connects and
    reports when two groups both contain a table; functions (`unnest`, `generate_series`),
    VALUES lists, subqueries and CTE references (often one-row parameter lists) are not
    counted as tables. Explicit `CROSS JOIN` and `JOIN ... ON` are never reported."""
    if ctx.statement is None:
        return
    entries: tuple[Any, ...] = ()
    if isinstance(node, (ast.SelectStmt, ast.UpdateStmt)):
        entries = tuple(node.fromClause or ())
    elif isinstance(node, ast.DeleteStmt):
        entries = tuple(node.usingClause or ())
    target = 0 if isinstance(node, ast.SelectStmt) else 1
    if len(entries) + target < 2:
        return
    scope = Scope(ctx, ctx.statement.node)
    lvl = scope.chain_for((*ctx.parents, node))
    if lvl is None:
        return
    groups = sorted({i.group for i in lvl.items})
    parent = {g: g for g in groups}

    def union(gs: set[int]) -> None:
        lst = sorted(gs)
        for g in lst[1:]:
            parent[_find(parent, g)] = _find(parent, lst[0])

    for q in lvl.quals:
        gs = _groups_of(scope, lvl, q.expr)
        if gs is None:
            return  # a reference we cannot place: assume it joins
        union(gs)
    for it in lvl.items:
        lateral = (isinstance(it.node, ast.RangeSubselect) and it.node.lateral) or isinstance(
            it.node, ast.RangeFunction
        )
        if lateral:
            gs = _groups_of(
                scope,
                lvl,
                it.node
                if isinstance(it.node, ast.RangeFunction)
                else cast(ast.RangeSubselect, it.node).subquery,
            )
            if gs is None:
                return
            union(gs | {it.group})
    comps: dict[int, list[Item]] = {}
    for it in lvl.items:
        comps.setdefault(_find(parent, it.group), []).append(it)
    tabled = [c for c in comps.values() if any(i.kind in _TABLE_KINDS for i in c)]
    if len(tabled) < 2:
        return
    names = [", ".join(f'"{i.alias}"' for i in c if i.kind in _TABLE_KINDS) for c in tabled]
    second = next(i for i in tabled[1] if i.kind in _TABLE_KINDS)
    yield Violation(
        f"{query_prefix(ctx)}{names[0]} and {names[1]} are comma-joined with no condition between them: "
        "a cartesian product",
        node=second.node,
    )
