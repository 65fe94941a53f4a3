from collections.abc import Iterator

from pgarch_lint.analysis.live import format_size, live_facts
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule, util

from ._report import short_name


@rule(
    name="unused-index",
    category=Category.INDEXES,
    severity=Severity.WARNING,
    summary="index that no query has used since the statistics were last reset (live databases "
    "only)",
    nodes=(EndOfRun,),
    live_only=True,
    bad="""
    -- on the live database: pg_stat_user_indexes.idx_scan = 0 for this index
    CREATE INDEX ix_orders__note ON orders (note);
    """,
    good="""
    -- on the live database: pg_stat_user_indexes.idx_scan > 0, or the index backs a constraint
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    """,
    fix="Check the statistics cover a representative period (and the replicas, whose usage is "
    "counted separately), then drop the index with DROP INDEX CONCURRENTLY in a migration.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Every index is paid for on every INSERT, on every UPDATE that is not HOT, in WAL volume,
    in vacuum time, in backup size and in shared buffers; an index no query uses returns
    nothing for that. Only a running server knows which indexes are used: this rule reads
    `pg_stat_user_indexes.idx_scan` (`pgarch-lint inspect --dsn`) and reports indexes with
    zero scans that do not back a primary-key, unique or exclusion constraint (those work
    without ever being scanned) and are not unique (a unique index enforces uniqueness).
    The counters start at the last statistics reset (`pg_stat_database.stats_reset`) and are
    lost on a crash, and a replica keeps its own: the message says since when they count."""
    facts = live_facts(ctx.catalog)
    if facts is None:
        return
    since = (
        f"since the statistics were last reset ({facts.stats_reset})"
        if facts.stats_reset
        else "since the statistics began (never reset)"
    )
    for ixf in facts.indexes.values():
        if ixf.scans > 0 or ixf.backs_constraint or ixf.unique or not ixf.valid:
            continue
        table = ctx.catalog.table_by_name(ixf.table)
        if table is not None and table.partitioned:
            continue  # a partitioned index is never scanned itself: its partitions' copies are
        ix = ctx.catalog.index(ixf.qualified)
        if ix is None:
            continue
        at = ctx.report_loc([ix.created, *ix.changed])
        if at is None:
            continue
        yield Violation(
            f'index "{ix.name}" on "{short_name(ixf.table)}" ({format_size(ixf.size_bytes)}) has not '
            f"been used by any query {since}",
            help="If the statistics cover a representative period on every server, drop it: "
            f"`DROP INDEX CONCURRENTLY {util.quote_ident(ix.schema)}."
            f"{util.quote_ident(ix.name)};`",
            at=at,
        )
