from collections.abc import Iterator

from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import (
    Category,
    Context,
    Origin,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

_AT = enums.AlterTableType


@rule(
    name="ban-drop-column",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="ALTER TABLE ... DROP COLUMN on an existing table (or DROP ATTRIBUTE of a composite type)",
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
    constraints that use the column. The same holds for an attribute of a composite type (the
    values stored in columns of that type lose it). Tables, types and columns created earlier in
    the same file are not flagged. Foreign tables are not checked: the catalog does not replay
    CREATE FOREIGN TABLE, so it cannot tell an existing one from one this file created."""
    rel = node.relation
    kind = _KINDS.get(node.objtype) if node.objtype is not None else None
    if kind is None or not _existed_before(ctx, node, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != _AT.AT_DropColumn or column_is_new(ctx, rel, cmd.name):
            continue
        cascade = (
            " CASCADE (also drops every view, index and constraint that uses it)"
            if cmd.behavior == enums.DropBehavior.DROP_CASCADE
            else ""
        )
        name = util.rv_name(rel)
        if node.objtype == enums.ObjectType.OBJECT_TYPE:
            what = (
                f'DROP ATTRIBUTE "{cmd.name}"{cascade} of existing {kind} "{name}" deletes that '
                "field from every stored value of the type"
            )
        else:
            what = f'DROP COLUMN "{cmd.name}"{cascade} on existing {kind} "{name}" deletes its data'
        yield Violation(f"{what} and breaks code that still reads or writes it", node=rel)


_KINDS = {
    enums.ObjectType.OBJECT_TABLE: "table",
    enums.ObjectType.OBJECT_TYPE: "composite type",
}


def _existed_before(ctx: Context, node: ast.AlterTableStmt, rel: ast.RangeVar | None) -> bool:
    """The table or type was not created earlier in the file (unknown: existing)."""
    if node.objtype != enums.ObjectType.OBJECT_TYPE:
        return existed_before(ctx, rel)
    if rel is None:
        return False
    typ = ctx.catalog.type(util.rv_name(rel))
    return typ is None or ctx.catalog.origin_of(typ) is not Origin.CURRENT_FILE
