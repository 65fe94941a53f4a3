from collections.abc import Iterator

from pgarch_lint.analysis.migration import is_existing_relation, origin_is_current_file
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q, short_name

_RK = enums.ReindexObjectType


@rule(
    name="require-concurrent-reindex",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="REINDEX without CONCURRENTLY (PostgreSQL 12+)",
    nodes=(ast.ReindexStmt,),
    bad="""
    REINDEX INDEX ix_orders__customer_id;
    """,
    good="""
    REINDEX INDEX CONCURRENTLY ix_orders__customer_id;
    """,
    fix="Use REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration that does not run inside a "
    "transaction. If it fails it leaves an invalid `_ccnew` index behind: drop it and retry.",
)
def check(node: ast.ReindexStmt, ctx: Context) -> Iterator[Violation]:
    """A plain REINDEX blocks writes to the table for the whole rebuild and takes an ACCESS
    EXCLUSIVE lock on each index it rebuilds; since the planner locks every index of a table
    it plans a query for, nearly every read waits too. REINDEX CONCURRENTLY (PostgreSQL 12+)
    builds a new copy of each index next to the old one and swaps them, with only brief
    locks. `REINDEX (CONCURRENTLY false)` is the plain form and is reported like it. Before
    PostgreSQL 12 there is no concurrent form, so nothing is reported; REINDEX SYSTEM (system
    catalogs cannot be reindexed concurrently) and tables created earlier in the same file are
    not flagged either."""
    if ctx.pg_version < 12:
        return
    concurrently = util.option_on(node.params, "concurrently")
    if concurrently:
        return
    cat = ctx.catalog
    kind = node.kind
    if kind == _RK.REINDEX_OBJECT_SYSTEM:
        return
    if kind == _RK.REINDEX_OBJECT_INDEX:
        rv = node.relation
        ix = cat.index(util.rv_name(rv)) if isinstance(rv, ast.RangeVar) else None
        target = f"INDEX {q(util.rv_name(rv))}"
        if ix is not None:
            table = cat.table_by_name(ix.table)
            rel = table if table is not None else cat.view(ix.table)
            if rel is not None and origin_is_current_file(ctx, rel):
                return
            if table is not None and table.persistence == "temporary":
                return
            if table is not None and table.partitioned and ctx.pg_version < 14:
                return  # partitioned indexes cannot be reindexed at all before 14
            target += f" on {q(short_name(ix.table))}"
        what = (
            "writes to its table for the whole rebuild and, with an ACCESS EXCLUSIVE lock on "
            "the index, every query whose plan considers it"
        )
    elif kind in (_RK.REINDEX_OBJECT_TABLE,):
        rv = node.relation
        if rv is None or not is_existing_relation(rv, ctx):
            return
        table = cat.table(rv)
        if table is not None and table.partitioned and ctx.pg_version < 14:
            return
        target = f"TABLE {q(util.rv_name(rv))}"
        what = (
            "writes to the table for the whole rebuild and, with ACCESS EXCLUSIVE locks on its "
            "indexes, nearly every read"
        )
    elif kind == _RK.REINDEX_OBJECT_SCHEMA:
        target = f"SCHEMA {q(node.name or '?')}"
        what = (
            "writes to every table of the schema while its indexes are rebuilt, and nearly "
            "every read of the table being processed"
        )
    else:
        target = "DATABASE"
        what = (
            "writes to every table while its indexes are rebuilt, and nearly every read of "
            "the table being processed"
        )
    how = "with CONCURRENTLY false" if concurrently is False else "without CONCURRENTLY"
    yield Violation(f"REINDEX {target} {how} blocks {what}")
