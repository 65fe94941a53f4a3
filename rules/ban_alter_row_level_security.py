from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import existing_table_altered
from pgarch_lint.api import Category, Context, Origin, Severity, Violation, ast, enums, rule, util

_AT = enums.AlterTableType
_RLS = (
    _AT.AT_EnableRowSecurity,
    _AT.AT_DisableRowSecurity,
    _AT.AT_ForceRowSecurity,
    _AT.AT_NoForceRowSecurity,
)


@rule(
    name="ban-alter-row-level-security",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER TABLE ... ENABLE / DISABLE / [NO] FORCE ROW LEVEL SECURITY on an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE customer_notes ENABLE ROW LEVEL SECURITY;
    """,
    good="""
    CREATE TABLE support_tickets (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    ALTER TABLE support_tickets ENABLE ROW LEVEL SECURITY;
    ALTER TABLE support_tickets FORCE ROW LEVEL SECURITY;
    """,
    fix="""
    Turn row-level security on or off for a table in use in steps:
    1. create the policies first and check, for every role that deployed code (and every
       version you may roll back to) connects as, what it will see and may write;
    2. deploy code that sets what the policies need (session settings, roles) and works with
       and without row-level security;
    3. then change the table, with a suppression comment that records the review.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Row-level security decides which rows a session sees and may write. `ENABLE` on a table
    in use makes every role other than the owner (and `BYPASSRLS` roles) see only the rows a
    policy grants: none at all when no policy applies to it. `FORCE` subjects the owner, often
    the role the application connects as, to the policies too. `DISABLE` and `NO FORCE` give
    every role with table privileges every row again. The change hits code still running during
    the deploy and the version a rollback returns to, as empty results, rejected writes or data
    leaking across tenants, and a rollback of the application does not undo it. Tables created
    earlier in the same file (or migration unit) are new and not flagged, nor is a change the
    catalog knows to be a no-op (`ENABLE` of a table that has it already, `ALTER TABLE IF
    EXISTS` of a table the replayed history proves absent). Statements in a function body are
    skipped: they run when the routine is called, on objects unknown now."""
    rel = existing_table_altered(ctx, node)
    if rel is None:
        return
    table = ctx.catalog.table(rel)
    known = table is not None and ctx.catalog.origin_of(table) is not Origin.UNKNOWN
    name = util.rv_name(rel)
    for cmd in util.alter_cmds(node):
        st = cmd.subtype
        if st not in _RLS:
            continue
        if st == _AT.AT_EnableRowSecurity:
            if known and table is not None and table.rls_enabled:
                continue
            policies = ctx.catalog.policies_on(table) if known else None
            if policies == []:
                seen = "no row at all, as it has no policy yet"
            else:
                seen = "only the rows a policy grants them"
            msg = (
                f'ENABLE ROW LEVEL SECURITY on existing table "{name}": every role but the owner '
                f"(and BYPASSRLS roles) sees {seen}"
            )
        elif st == _AT.AT_DisableRowSecurity:
            if known and table is not None and not table.rls_enabled:
                continue
            msg = (
                f'DISABLE ROW LEVEL SECURITY on existing table "{name}": its policies stop '
                "applying and every role with table privileges sees every row"
            )
        elif st == _AT.AT_ForceRowSecurity:
            if known and table is not None and table.rls_forced:
                continue
            msg = (
                f'FORCE ROW LEVEL SECURITY on existing table "{name}": its owner, often the role '
                "the application connects as, becomes subject to its policies"
            )
        else:
            if known and table is not None and not table.rls_forced:
                continue
            msg = (
                f'NO FORCE ROW LEVEL SECURITY on existing table "{name}": its owner bypasses its '
                "policies again"
            )
        yield Violation(msg, node=rel)
