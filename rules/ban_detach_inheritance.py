from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import relation_in_use
from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

_AT = enums.AlterTableType


@rule(
    name="ban-detach-inheritance",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DETACH PARTITION or NO INHERIT on existing tables",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE measurements DETACH PARTITION measurements_2024 CONCURRENTLY;
    """,
    good="""
    CREATE TABLE readings (taken_on date NOT NULL, value numeric) PARTITION BY RANGE (taken_on);
    CREATE TABLE readings_2025 PARTITION OF readings
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    ALTER TABLE readings DETACH PARTITION readings_2025;
    """,
    fix="""
    Before taking a child out of its parent:
    1. make every application version you may still run or roll back to read the detached
       rows from where they will be (the child table itself, an archive), and stop it writing
       rows that would route to that child; deploy that;
    2. then detach, with a suppression comment that records why it is safe.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Queries on a partitioned or inheritance parent read and write its children too.
    `DETACH PARTITION` (plain, CONCURRENTLY or FINALIZE) and `NO INHERIT` take a child out:
    the version still running during the deploy and the one you roll back to silently stop
    seeing its rows through the parent (reports, lookups and uniqueness checks come up
    short), and inserts that routed to the detached partition fail with "no partition of
    relation found for row" unless a DEFAULT partition takes them. Rolling the application
    back does not reattach the child. Not reported when the parent or the child was created
    earlier in the same file (or migration unit), nor for `ALTER TABLE IF EXISTS` of a
    relation the replay proves absent."""
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not relation_in_use(
        ctx, rel, node.missing_ok
    ):
        return
    for cmd in util.alter_cmds(node):
        st = cmd.subtype
        if st in (_AT.AT_DetachPartition, _AT.AT_DetachPartitionFinalize):
            if not isinstance(cmd.def_, ast.PartitionCmd):
                continue
            child = cmd.def_.name
            if not existed_before(ctx, child):
                continue
            how = ""
            if st == _AT.AT_DetachPartitionFinalize:
                how = " FINALIZE"
            elif cmd.def_.concurrent:
                how = " CONCURRENTLY"
            yield Violation(
                f"DETACH PARTITION {q(util.rv_name(child))}{how} takes its rows out of existing "
                f"table {q(util.rv_name(rel))}: the version still running, and the one you "
                "roll back to, stop seeing them through it, and inserts routed there fail; "
                "move readers and writers first",
                node=child,
            )
        elif st == _AT.AT_DropInherit and isinstance(cmd.def_, ast.RangeVar):
            parent = cmd.def_
            if not existed_before(ctx, parent):
                continue
            yield Violation(
                f"NO INHERIT {q(util.rv_name(parent))} takes the rows of existing table "
                f"{q(util.rv_name(rel))} out of its parent: the version still running, and "
                "the one you roll back to, stop seeing them through the parent; move readers "
                "first",
                node=parent,
            )
