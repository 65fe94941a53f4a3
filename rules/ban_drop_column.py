from collections.abc import Iterator

from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_AT = enums.AlterTableType


@rule(
    name="ban-drop-column",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="ALTER TABLE ... DROP COLUMN on an existing table",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE orders DROP COLUMN legacy_code;
    """,
    good="""
    -- after the application stopped reading and writing legacy_code, in a later release:
    -- pgarch-lint: ignore[ban-drop-column] unused since release 4.2 (ticket OPS-123)
    ALTER TABLE orders DROP COLUMN legacy_code;
    """,
    fix="""
    Drop a column in steps:
    1. stop using it in the application (reads, writes, ORM models; make it nullable or give it
       a default so inserts that omit it succeed) and deploy that everywhere;
    2. drop it in a later migration, with a suppression comment that records why it is safe.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping a column deletes its data irrecoverably (short of a restore) and breaks every
    running instance of the application that still names it — during a rolling deploy the old
    code is still live — as well as ORMs that select every mapped column. It also takes an
    ACCESS EXCLUSIVE lock on the table, and CASCADE silently drops the views, indexes and
    constraints that use the column. Tables and columns created earlier in the same file are
    not flagged."""
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != _AT.AT_DropColumn or column_is_new(ctx, rel, cmd.name):
            continue
        cascade = (
            " CASCADE (also drops every view, index and constraint that uses it)"
            if cmd.behavior == enums.DropBehavior.DROP_CASCADE
            else ""
        )
        yield Violation(
            f'DROP COLUMN "{cmd.name}"{cascade} on existing table "{util.rv_name(rel)}" deletes its data '
            "and breaks code that still reads or writes it",
            node=rel,
        )
