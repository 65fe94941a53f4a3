from collections.abc import Iterator

from pgarch_lint.analysis.migration import AT, existing_alter_target
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q


@rule(
    name="require-concurrent-partition-detach",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="DETACH PARTITION without CONCURRENTLY on an existing table (PostgreSQL 14+)",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE events DETACH PARTITION events_2023;
    """,
    good="""
    ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;
    """,
    fix="Use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) in a migration "
    "that does not run inside a transaction. If it is interrupted, finish it with "
    "DETACH PARTITION ... FINALIZE.",
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table: every
    read and write of every partition waits for it, and it waits for every running query on
    the table first. From PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY only takes a SHARE
    UPDATE EXCLUSIVE lock on the parent and lets queries go on. Not reported before 14 (there is
    no concurrent form), when the parent was created earlier in the same file, or when the
    catalog knows the parent has a DEFAULT partition (PostgreSQL refuses CONCURRENTLY then)."""
    if ctx.pg_version < 14:
        return
    cmds = [
        c
        for c in util.alter_cmds(node)
        if c.subtype == AT.AT_DetachPartition
        and isinstance(c.def_, ast.PartitionCmd)
        and not c.def_.concurrent
    ]
    if not cmds or node.relation is None or not existing_alter_target(node, ctx):
        return
    cat = ctx.catalog
    parent = cat.table(node.relation)
    if parent is not None and any(
        p.partition_bound == "DEFAULT" for p in cat.partitions_of(parent)
    ):
        return
    for c in cmds:
        part = c.def_.name if isinstance(c.def_, ast.PartitionCmd) else None
        yield Violation(
            f"DETACH PARTITION {q(util.rv_name(part))} without CONCURRENTLY takes an ACCESS "
            f"EXCLUSIVE lock on existing table {q(util.rv_name(node.relation))}: reads and "
            "writes of every partition wait until the transaction ends",
            node=part,
        )
