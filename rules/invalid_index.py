from collections.abc import Iterator

from pgarch_lint.analysis.live import live_facts
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule, util

from ._report import short_name


@rule(
    name="invalid-index",
    category=Category.INDEXES,
    severity=Severity.ERROR,
    summary="index marked invalid, left behind by a failed CREATE INDEX CONCURRENTLY (live "
    "databases only)",
    nodes=(EndOfRun,),
    live_only=True,
    bad="""
    -- on the live database this build failed (a duplicate key, a cancel, a deadlock):
    CREATE UNIQUE INDEX CONCURRENTLY ux_customers__email ON customers (email);
    """,
    good="""
    -- the build succeeded: pg_index.indisvalid is true
    CREATE UNIQUE INDEX CONCURRENTLY ux_customers__email ON customers (email);
    """,
    fix="Drop the invalid index with DROP INDEX CONCURRENTLY and build it again (fix the cause "
    "first, e.g. duplicates for a unique index), or rebuild it in place with REINDEX INDEX "
    "CONCURRENTLY.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """When CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) fails, because of a duplicate
    key, a deadlock, a cancelled statement or a lost connection, PostgreSQL leaves the index
    behind marked invalid (`pg_index.indisvalid = false`). The planner never uses it, yet
    writes may still maintain it, so the table pays for an index that gives nothing; and a
    migration that re-runs `CREATE INDEX CONCURRENTLY IF NOT EXISTS` silently keeps the broken
    one. Only the live catalog shows it (`pgarch-lint inspect --dsn`)."""
    facts = live_facts(ctx.catalog)
    if facts is None:
        return
    for ixf in facts.indexes.values():
        if ixf.valid:
            continue
        ix = ctx.catalog.index(ixf.qualified)
        if ix is None:
            continue
        at = ctx.report_loc([ix.created, *ix.changed])
        if at is None:
            continue
        name = f"{util.quote_ident(ix.schema)}.{util.quote_ident(ix.name)}"
        yield Violation(
            f'index "{ix.name}" on "{short_name(ixf.table)}" is invalid (a failed concurrent build '
            "left it): queries never use it but writes may still maintain it",
            help=f"`DROP INDEX CONCURRENTLY {name};` and build it again, or "
            f"`REINDEX INDEX CONCURRENTLY {name};`",
            at=at,
        )
