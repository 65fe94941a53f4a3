from collections.abc import Iterator

from pgarch_lint.analysis.migration import origin_is_current_file
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q


@rule(
    name="require-concurrent-refresh",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing view that has a "
    "unique index",
    nodes=(ast.RefreshMatViewStmt,),
    bad="""
    -- daily_sales was created (with a unique index on day_id) by an earlier migration
    REFRESH MATERIALIZED VIEW daily_sales;
    """,
    good="""
    REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;
    """,
    fix="Use REFRESH MATERIALIZED VIEW CONCURRENTLY. It needs a populated view and a unique "
    "index on plain columns without a WHERE clause: if the view has none, create one first "
    "(CREATE UNIQUE INDEX CONCURRENTLY).",
)
def check(node: ast.RefreshMatViewStmt, ctx: Context) -> Iterator[Violation]:
    """A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the view for the
    whole time its query runs: every SELECT from the view waits. With CONCURRENTLY, PostgreSQL
    builds the new contents next to the old ones and applies the difference under an EXCLUSIVE
    lock that still lets readers in. CONCURRENTLY needs a unique index on plain columns without
    a WHERE clause and a view that is already populated: a view the catalog knows is reported
    only when it has such an index. A view never created in the files read is reported too
    (the message says its indexes are unknown); views created earlier in the same file are
    not."""
    if node.concurrent or node.skipData:
        return
    cat = ctx.catalog
    if node.relation is None:
        return
    name = q(util.rv_name(node.relation))
    view = cat.view(node.relation)
    if view is None:
        if cat.relation(node.relation) is None:
            yield Violation(
                f"REFRESH MATERIALIZED VIEW {name} without CONCURRENTLY takes an ACCESS "
                "EXCLUSIVE lock: every read of the view waits for the whole refresh (the view "
                "was not created in the files read, so whether it already has the unique index "
                "a concurrent refresh needs is unknown)",
                node=node.relation,
            )
        return
    if not view.materialized or not view.with_data or origin_is_current_file(ctx, view):
        return
    usable = [
        ix
        for ix in cat.indexes_on(view)
        if ix.unique and ix.predicate is None and ix.keys and all(k.column for k in ix.keys)
    ]
    if not usable:
        return
    yield Violation(
        f"REFRESH MATERIALIZED VIEW {name} without CONCURRENTLY "
        "takes an ACCESS EXCLUSIVE lock: every read of the view waits for the whole refresh, "
        f"although its unique index {q(usable[0].name)} allows a concurrent refresh",
        node=node.relation,
    )
