from collections.abc import Iterator

from pgarch_lint.analysis.live import format_size, live_facts
from pgarch_lint.analysis.query_kinds import is_query_file, runs_once
from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    Severity,
    Violation,
    conventions,
    rule,
    util,
)

from ._report import fallback_index_name, short_name


@rule(
    name="seq-scan-on-large-table",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="query whose plan reads a large table sequentially to filter it (live databases, "
    "`check --explain`)",
    nodes=(AnyStatement,),
    live_only=True,
    bad="""
    -- orders holds 40 M rows and has no index on status
    SELECT id FROM orders WHERE status = $1;
    """,
    good="""
    -- CREATE INDEX CONCURRENTLY ix_orders__status ON orders (status);
    SELECT id FROM orders WHERE status = $1;
    """,
    fix="Create an index on the filtered columns (CREATE INDEX CONCURRENTLY, in a migration), or "
    "rewrite the condition so an existing index applies.",
)
def check(node: object, ctx: Context) -> Iterator[Violation]:
    """A sequential scan reads every page of a table; to filter a large table it costs I/O and
    buffer-cache churn proportional to the table, on every execution, and gets slower as the
    table grows. `pgarch-lint check --dsn DSN --explain` runs EXPLAIN (never ANALYZE unless
    asked) on each query of the checked files, with parameters left unbound (a generic plan),
    and this rule reports the sequential scans with a filter on tables above
    `--min-table-size` (10MB by default), naming the index that would serve the filter.
    Tables smaller than the threshold, and scans without a filter (the query wants every
    row), are left alone, and so are the top-level statements of a migration (a one-off
    backfill; see [configuration](../configuration.md#migrations-and-query-files)): the rule
    reviews the queries of query files and statements with bind parameters (`$1`)."""
    facts = live_facts(ctx.catalog)
    stmt = ctx.statement
    if facts is None or stmt is None or stmt.nested or runs_once(ctx):
        return
    scans = facts.seq_scans.get((ctx.file.path, stmt.start), [])
    for s in scans:
        table = ctx.catalog.table_by_name(s.table)
        tname = table.name if table is not None else s.table.rpartition(".")[2]
        size = format_size(s.total_bytes)
        suggestion = ""
        how = "Index the filtered columns, or make the query use an existing index."
        if s.columns:
            cols = ", ".join(util.quote_ident(c) for c in s.columns)
            if ctx.settings is not None:
                name = conventions.suggest(
                    ctx.catalog,
                    ctx.settings.naming,
                    "index",
                    tname,
                    list(s.columns),
                    complete=is_query_file(ctx),
                )
            else:
                name = fallback_index_name("ix_{table}__{columns}", tname, list(s.columns))
            ix = util.quote_ident(name)
            suggestion = f"; an index such as {ix} ({cols}) would serve it"
            how = f"`CREATE INDEX CONCURRENTLY {ix} ON {util.quote_ident(tname)} ({cols});`"
        yield Violation(
            f'the plan reads "{short_name(s.table)}" ({size}) sequentially to filter it '
            f"(Filter: {s.filter}){suggestion}",
            help=how,
            start=stmt.start,
        )
