from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Origin, Severity, Violation, ast, enums, rule, util

_AT = enums.AlterTableType
_OT = enums.ObjectType
_RELKINDS = (_OT.OBJECT_TABLE, _OT.OBJECT_MATVIEW)


def _what(cmd: ast.AlterTableCmd) -> str | None:
    st = cmd.subtype
    if st == _AT.AT_SetLogged:
        return "SET LOGGED rewrites the whole table (and writes all of it to the WAL)"
    if st == _AT.AT_SetUnLogged:
        return "SET UNLOGGED rewrites the whole table"
    if st == _AT.AT_SetTableSpace:
        return f'SET TABLESPACE "{cmd.name}" copies every data file of the table'
    if st == _AT.AT_SetAccessMethod:
        am = f' "{cmd.name}"' if cmd.name else ""
        return f"SET ACCESS METHOD{am} rewrites the whole table"
    if st == _AT.AT_SetExpression:
        return (
            f'ALTER COLUMN "{cmd.name}" SET EXPRESSION recomputes the column and rewrites the table'
        )
    return None


def _is_noop(cmd: ast.AlterTableCmd, rel: ast.RangeVar, ctx: Context) -> bool:
    """Forms that PostgreSQL turns into catalog-only changes for what the catalog knows."""
    table = ctx.catalog.table(rel)
    if table is None:
        return False
    st = cmd.subtype
    if table.partitioned and st in (_AT.AT_SetTableSpace, _AT.AT_SetAccessMethod):
        return True  # a partitioned table has no storage: only the default for new partitions
    if st == _AT.AT_SetLogged and table.persistence == "permanent":
        return True
    if st == _AT.AT_SetUnLogged and table.persistence == "unlogged":
        return True
    if st == _AT.AT_SetExpression:
        col = ctx.catalog.column(table, cmd.name or "")
        if col is not None and col.generated == "virtual":
            return True  # PG18 virtual generated columns are computed on read
    return False


@rule(
    name="ban-table-rewrite",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="ALTER TABLE forms that rewrite an existing table under an ACCESS EXCLUSIVE lock "
    "(SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD, SET EXPRESSION)",
    nodes=(ast.AlterTableStmt, ast.AlterTableMoveAllStmt),
    bad="""
    ALTER TABLE events SET LOGGED;
    """,
    good="""
    CREATE TABLE events_import (id bigint PRIMARY KEY, payload jsonb) WITH (autovacuum_enabled = off);
    ALTER TABLE events_import SET LOGGED;
    """,
    fix="""
    Avoid rewriting a live table in a migration:
    1. create a new table with the wanted setting (persistence, tablespace, access method or
       generated expression);
    2. copy the rows over in batches and keep them in sync (trigger or logical replication);
    3. swap the names in one short transaction.
    Otherwise run the change in a maintenance window, or use pg_repack (which can also move a
    table to another tablespace) to do it without the long lock.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """These ALTER TABLE forms copy every row of the table (and rebuild all its indexes) while
    holding an ACCESS EXCLUSIVE lock: nothing can read or write the table until the rewrite is
    done, which on a large table is minutes to hours of outage, and the rewrite needs as much
    free disk as the table itself. SET LOGGED also pushes the whole table through the WAL, which
    can flood replicas. Tables created earlier in the same file are empty and are not flagged;
    partitioned tables (which hold no data themselves) are not flagged for SET TABLESPACE and
    SET ACCESS METHOD, which then only set the default for future partitions."""
    if isinstance(node, ast.AlterTableMoveAllStmt):
        if node.objtype in (_OT.OBJECT_TABLE, _OT.OBJECT_MATVIEW, _OT.OBJECT_INDEX):
            kind = {
                _OT.OBJECT_TABLE: "table",
                _OT.OBJECT_MATVIEW: "materialized view",
                _OT.OBJECT_INDEX: "index",
            }[node.objtype]
            yield Violation(
                f'ALTER ... ALL IN TABLESPACE "{node.orig_tablespacename}" SET TABLESPACE '
                f'"{node.new_tablespacename}" copies every {kind} of that tablespace, each under '
                "an ACCESS EXCLUSIVE lock for the whole copy",
            )
        return
    assert isinstance(node, ast.AlterTableStmt)
    rel = node.relation
    if not isinstance(rel, ast.RangeVar):
        return
    if node.objtype == _OT.OBJECT_INDEX:
        yield from _index(node, rel, ctx)
        return
    if node.objtype not in _RELKINDS or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        what = _what(cmd)
        if what is None or _is_noop(cmd, rel, ctx):
            continue
        kind = "materialized view" if node.objtype == _OT.OBJECT_MATVIEW else "table"
        yield Violation(
            f'ALTER {kind.upper()} "{util.rv_name(rel)}" {what} under an ACCESS EXCLUSIVE lock: '
            f"reads and writes of the existing {kind} are blocked until it finishes",
            node=rel,
        )


def _index(node: ast.AlterTableStmt, rel: ast.RangeVar, ctx: Context) -> Iterator[Violation]:
    for cmd in util.alter_cmds(node):
        if cmd.subtype != _AT.AT_SetTableSpace:
            continue
        name = util.rv_name(rel)
        ix = ctx.catalog.index(name)
        if ix is not None and ctx.catalog.origin_of(ix) is Origin.CURRENT_FILE:
            continue
        yield Violation(
            f'ALTER INDEX "{name}" SET TABLESPACE "{cmd.name}" copies the whole index under an '
            "ACCESS EXCLUSIVE lock: queries that need it wait until the copy is done",
            node=rel,
        )
