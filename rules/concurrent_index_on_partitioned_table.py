from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_DROP_HELP = (
    "Drop the index without CONCURRENTLY (it locks the parent and every partition, so keep "
    "lock_timeout short), or detach/replace per partition: PostgreSQL cannot drop an index of a "
    "partitioned table concurrently."
)


@rule(
    name="concurrent-index-on-partitioned-table",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="CREATE INDEX CONCURRENTLY on a partitioned table, which PostgreSQL rejects",
    nodes=(ast.IndexStmt, ast.DropStmt),
    bad="""
    CREATE TABLE measurements (id bigint, taken_at timestamptz NOT NULL)
        PARTITION BY RANGE (taken_at);
    CREATE INDEX CONCURRENTLY ix_measurements__taken_at ON measurements (taken_at);
    """,
    good="""
    CREATE TABLE measurements (id bigint, taken_at timestamptz NOT NULL)
        PARTITION BY RANGE (taken_at);
    CREATE TABLE measurements_2025 PARTITION OF measurements
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE INDEX ix_measurements__taken_at ON ONLY measurements (taken_at);
    CREATE INDEX CONCURRENTLY ix_measurements_2025__taken_at ON measurements_2025 (taken_at);
    ALTER INDEX ix_measurements__taken_at ATTACH PARTITION ix_measurements_2025__taken_at;
    """,
    fix="""
    Build the index partition by partition:
    1. CREATE INDEX ix_parent ON ONLY parent (...) — instant, the index starts INVALID;
    2. for each partition: CREATE INDEX CONCURRENTLY ix_part ON partition (...);
    3. for each partition: ALTER INDEX ix_parent ATTACH PARTITION ix_part;
    the parent index becomes valid once every partition has one attached.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL cannot build an index concurrently on a partitioned table: CREATE INDEX
    CONCURRENTLY on one fails with "cannot create index on partitioned table ... concurrently"
    (with or without ON ONLY), and DROP INDEX CONCURRENTLY of an index on one fails with
    "cannot drop partitioned index ... concurrently" (except on temporary tables, where the
    drop silently runs non-concurrently). The migration breaks at deploy time, and
    the quick fix of removing CONCURRENTLY turns the build into a SHARE lock that blocks writes
    on every partition for the whole build. This needs the catalog to know the table is partitioned."""
    if isinstance(node, ast.IndexStmt):
        rel = node.relation
        if not node.concurrent or not isinstance(rel, ast.RangeVar):
            return
        table = ctx.catalog.table(rel)
        if table is None or not table.partitioned:
            return
        name = f' "{node.idxname}"' if node.idxname else ""
        yield Violation(
            f'CREATE INDEX CONCURRENTLY{name} on partitioned table "{util.rv_name(rel)}" fails: '
            "PostgreSQL cannot build an index on a partitioned table concurrently",
            node=rel,
        )
        return
    assert isinstance(node, ast.DropStmt)
    if node.removeType != enums.ObjectType.OBJECT_INDEX or not node.concurrent:
        return
    for parts in util.drop_targets(node):
        ix = ctx.catalog.index(".".join(parts))
        if ix is None:
            continue
        table = ctx.catalog.table_by_name(ix.table)
        if table is None or not table.partitioned or table.persistence == "temporary":
            continue  # on temporary tables PostgreSQL silently drops non-concurrently
        yield Violation(
            f'DROP INDEX CONCURRENTLY "{".".join(parts)}" fails: it is an index of partitioned '
            f'table "{ix.table}", and PostgreSQL cannot drop a partitioned index concurrently',
            help=_DROP_HELP,
        )
