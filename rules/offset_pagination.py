from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.analysis.nodes import const_of
from pgarch_lint.analysis.query_kinds import runs_once
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

from ._report import query_prefix


@rule(
    name="offset-pagination",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="OFFSET with a non-zero value (cost grows with the page number)",
    nodes=(ast.SelectStmt,),
    bad="""
    SELECT id, name FROM files WHERE project_id = $1 ORDER BY id LIMIT 50 OFFSET $2;
    """,
    good="""
    SELECT id, name FROM files WHERE project_id = $1 AND id > $2 ORDER BY id LIMIT 50;
    SELECT id FROM files ORDER BY id LIMIT 50 OFFSET 0;
    """,
    fix="Use keyset pagination: remember the sort key of the last row of the page and ask for "
    "`WHERE (created_at, id) < ($last_created_at, $last_id) ORDER BY created_at DESC, id DESC "
    "LIMIT n`, with an index on the sort columns.",
)
def check(node: ast.SelectStmt, ctx: Context) -> Iterator[Violation]:
    """`OFFSET n` does not skip rows, it produces them and throws them away: page 1000 of 50
    rows reads and discards 49 950 rows first, so deep pages get linearly slower and a crawler
    walking every page costs quadratic work. Rows inserted or deleted between two requests
    also shift the pages, so users see duplicates or miss rows. Keyset (seek) pagination costs
    the same on every page. `OFFSET 0` is a no-op (sometimes an optimisation fence) and is not
    reported; a parameter is assumed to be non-zero. Statements that run once (the top-level
    statements of a migration, a DO block) page through nothing and are not reported. See
    [configuration](../configuration.md#migrations-and-query-files)."""
    off = node.limitOffset
    if off is None:
        return
    ok, val = const_of(off)
    if (ok and (val is None or val in (0, "0"))) or runs_once(ctx):
        return
    yield Violation(
        f"{query_prefix(ctx)}OFFSET pagination reads and discards every skipped row; use keyset "
        "pagination",
        node=off,
    )
