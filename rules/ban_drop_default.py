import re
from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import definition_known, relation_in_use, type_is_new
from pgarch_lint.analysis.lookahead import later_statements
from pgarch_lint.analysis.migration import column_is_new
from pgarch_lint.api import (
    Category,
    Column,
    Context,
    Origin,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

from ._report import q

_AT = enums.AlterTableType
_OT = enums.ObjectType
_KIND = {
    _OT.OBJECT_TABLE: "table",
    _OT.OBJECT_FOREIGN_TABLE: "foreign table",
    _OT.OBJECT_VIEW: "view",
}


def _restored(name: str | None, later: list[ast.AlterTableCmd]) -> bool:
    """A later sub-command of the same statement gives the column a value source again
    (SET DEFAULT, ADD GENERATED ... AS IDENTITY): the default is replaced, not removed."""
    return any(
        c.name == name
        and (
            (c.subtype == _AT.AT_ColumnDefault and c.def_ is not None)
            or c.subtype == _AT.AT_AddIdentity
        )
        for c in later
    )


def _effect(col: Column | None) -> str:
    if col is None:
        return "store NULL in it, or fail if it is NOT NULL"
    if col.default_call is not None and col.default_call[0] == "nextval":
        return "no longer get a sequence value" + (" and fail (NOT NULL)" if col.not_null else "")
    if col.not_null:
        return "fail with a NOT NULL violation"
    return "store NULL in it instead of the default"


@rule(
    name="ban-drop-default",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER COLUMN ... DROP DEFAULT on an existing table, view or domain",
    nodes=(ast.AlterTableStmt, ast.AlterDomainStmt),
    bad="""
    ALTER TABLE subscriptions ALTER COLUMN status DROP DEFAULT;
    """,
    good="""
    CREATE TABLE subscriptions (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'trial');
    -- created in this migration: no running code inserts into it yet
    ALTER TABLE subscriptions ALTER COLUMN status DROP DEFAULT;
    """,
    fix="""
    Remove a default in two releases:
    1. make every application version you may still run or roll back to write the column
       explicitly on insert, and deploy that;
    2. drop the default in a later migration, with a suppression comment that records why it
       is safe.
    To change a default, use `SET DEFAULT` with the new value instead of dropping it.
    """,
)
def check(node: ast.AlterTableStmt | ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """Code that inserts without naming a column relies on its default. Once the default is
    gone, those inserts, from the version still running during the deploy and from the
    version you roll back to, fail with a NOT NULL violation (SQLSTATE 23502) or silently
    store NULL; a column fed by `nextval()` stops getting identifiers. The same holds for a
    view column's default (inserts through the view) and a domain's default (every column of
    the domain that has none of its own). Not reported: tables, views, domains and columns
    created earlier in the same file (or migration unit), such as the usual "add the column
    with a default, then drop the default" step on a table the catalog knows; a column or
    domain the catalog knows has no default (the statement does nothing); a default that a
    later sub-command of the same `ALTER TABLE`, or a later statement of the same file, sets
    again or replaces with an identity (Prisma changes an enum column's type by dropping its
    default, changing the type and setting the default again)."""
    if isinstance(node, ast.AlterDomainStmt):
        yield from _domain(node, ctx)
        return
    kind = _KIND.get(node.objtype) if node.objtype is not None else None
    rel = node.relation
    if kind is None or not relation_in_use(ctx, rel, node.missing_ok):
        return
    table = ctx.catalog.table(rel) if isinstance(rel, ast.RangeVar) else None
    cmds = list(util.alter_cmds(node))
    for i, cmd in enumerate(cmds):
        if cmd.subtype != _AT.AT_ColumnDefault or cmd.def_ is not None:
            continue
        if column_is_new(ctx, rel, cmd.name) or _restored(cmd.name, cmds[i + 1 :]):
            continue
        if isinstance(rel, ast.RangeVar) and _restored_later(ctx, rel, cmd.name):
            continue
        col = ctx.catalog.column(table, cmd.name or "")
        if col is not None and col.default_ is None and definition_known(ctx, table):
            continue  # no default to drop
        yield Violation(
            f"dropping the default of column {q(cmd.name or '?')} of existing {kind} "
            f"{q(util.rv_name(rel))}: inserts that omit it, from the version still running or "
            f"the one you roll back to, {_effect(col)}; make every version write it first",
            node=rel,
        )


def _domain(node: ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    if node.subtype != "T" or node.def_ is not None:
        return
    names = util.names_of(node.typeName)
    if type_is_new(ctx, names):
        return
    td = ctx.catalog.type(".".join(names))
    if td is not None and td.default is None and ctx.catalog.origin_of(td) is not Origin.UNKNOWN:
        return  # the domain has no default
    yield Violation(
        f"dropping the default of existing domain {q('.'.join(names))}: inserts that omit a "
        "column of that type (without a default of its own) store NULL, or fail if the "
        "column is NOT NULL; make every version write those columns first"
    )


def _restored_later(ctx: Context, rel: ast.RangeVar, column: str | None) -> bool:
    """A later ALTER TABLE of the same table in this file sets the column's default again."""
    if not column:
        return False
    text = ctx.parser_text() or ""
    if not re.search(r"set\s+default", text[ctx.statement.end if ctx.statement else 0 :], re.I):
        return False  # nothing later sets a default: no need to read the rest of the file
    want = util.rv_name(rel)
    for later in later_statements(ctx):
        if not isinstance(later, ast.AlterTableStmt) or later.relation is None:
            continue
        if util.rv_name(later.relation) != want:
            continue
        cmds = list(util.alter_cmds(later))
        if _restored(column, cmds):
            return True
    return False
