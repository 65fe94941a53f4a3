from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.analysis.nodes import func_name
from pgarch_lint.analysis.query_kinds import runs_once
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

from ._report import query_prefix


@rule(
    name="order-by-random",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="ORDER BY random() (sorts the whole input)",
    nodes=(ast.SortBy,),
    bad="""
    SELECT id FROM files WHERE project_id = $1 ORDER BY random() LIMIT 1;
    """,
    good="""
    SELECT id FROM files TABLESAMPLE SYSTEM (1) WHERE project_id = $1 LIMIT 1;
    """,
    fix="Sample instead: `TABLESAMPLE SYSTEM (p)` / `BERNOULLI (p)` (or the tsm_system_rows "
    "extension for a fixed row count), or pick a random key and seek to it with the index "
    "(`WHERE id >= $random ORDER BY id LIMIT 1`).",
)
def check(node: ast.SortBy, ctx: Context) -> Iterator[Violation]:
    """`ORDER BY random()` computes a random value for every row that reaches the sort and
    sorts them all, so picking one random row reads and sorts the whole (filtered) table: the
    cost grows linearly with the data and it cannot use an index. Table sampling reads only
    a fraction of the pages. Statements that run once (the top-level statements of a
    migration, a DO block: a seed script picking random rows) are not reported. See
    [configuration](../configuration.md#migrations-and-query-files)."""
    fn = node.node
    if (
        not isinstance(fn, ast.FuncCall)  # (func_name is "" for anything else)
        or func_name(fn) not in ("random", "random_normal")
        or fn.args
        or runs_once(ctx)
    ):
        return
    yield Violation(
        f"{query_prefix(ctx)}ORDER BY random() reads and sorts every candidate row to pick a few",
        node=node.node,
    )
