from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, option, rule


@dataclass(frozen=True)
class Options:
    max_indexes: int = option(
        10,
        "The most indexes a table may have (primary key and unique constraints "
        "included) before it is reported (at least 1).",
    )

    def __post_init__(self) -> None:
        if self.max_indexes < 1:
            raise ValueError("max-indexes must be at least 1")


@rule(
    name="too-many-indexes",
    category=Category.INDEXES,
    severity=Severity.INFO,
    summary="a table with more than `max-indexes` (default 10) indexes",
    nodes=(EndOfRun,),
    default=False,
    options=Options,
    bad="""
    CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, c int, d int, e int, f int, g int,
                    h int, i int, j int);
    CREATE INDEX ix_t__a ON t (a);
    CREATE INDEX ix_t__b ON t (b);
    CREATE INDEX ix_t__c ON t (c);
    CREATE INDEX ix_t__d ON t (d);
    CREATE INDEX ix_t__e ON t (e);
    CREATE INDEX ix_t__f ON t (f);
    CREATE INDEX ix_t__g ON t (g);
    CREATE INDEX ix_t__h ON t (h);
    CREATE INDEX ix_t__i ON t (i);
    CREATE INDEX ix_t__j ON t (j);
    """,
    good="""
    CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, c int);
    CREATE INDEX ix_t__a_b ON t (a, b);
    CREATE INDEX ix_t__c ON t (c);
    """,
    fix="Review the table's indexes against the queries that run (pg_stat_user_indexes."
    "idx_scan): drop the unused ones, merge single-column indexes into multi-column ones that "
    "serve several queries, or raise `max-indexes` for this table's workload.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Every index is written on every INSERT and on every UPDATE that touches an indexed
    column (and defeats HOT updates, which then also bloat the table). A table with many
    indexes pays that cost many times over, takes longer to vacuum, and fills memory with
    index pages the queries rarely read. Partitions are not reported separately from their
    parent."""
    limit = ctx.options.max_indexes if ctx.options is not None else 10
    for t in ctx.catalog.tables():
        if t.partition_of:
            continue
        indexes = ctx.catalog.indexes_on(t)
        if len(indexes) <= limit:
            continue
        over = indexes[limit:]
        at = ctx.report_loc([ix.created for ix in over] + [t.created, *t.changed])
        if at is None:
            continue
        yield Violation(
            f'table "{t.name}" has {len(indexes)} indexes (more than {limit}): each one is '
            "written on every insert and on updates of its columns",
            at=at,
        )
