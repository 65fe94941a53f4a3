from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import definition_known, relation_in_use
from pgarch_lint.api import Category, Context, Severity, Table, Violation, ast, enums, rule, util

from ._report import q

_AT = enums.AlterTableType
_TRIGGERS = {
    _AT.AT_DisableTrig: "DISABLE TRIGGER {name}",
    _AT.AT_DisableTrigAll: "DISABLE TRIGGER ALL",
    _AT.AT_DisableTrigUser: "DISABLE TRIGGER USER",
    _AT.AT_EnableReplicaTrig: "ENABLE REPLICA TRIGGER {name}",
    _AT.AT_DisableRule: "DISABLE RULE {name}",
    _AT.AT_EnableReplicaRule: "ENABLE REPLICA RULE {name}",
}
_RLS = {
    _AT.AT_DisableRowSecurity: "DISABLE ROW LEVEL SECURITY",
    _AT.AT_NoForceRowSecurity: "NO FORCE ROW LEVEL SECURITY",
}


def _rls_noop(st: enums.AlterTableType, table: Table | None, ctx: Context) -> bool:
    """The catalog knows the table's history and the setting is already off."""
    if table is None or not definition_known(ctx, table):
        return False
    if st == _AT.AT_DisableRowSecurity:
        return not table.rls_enabled
    return not table.rls_forced


def _trigger_effect(st: enums.AlterTableType) -> str:
    if st in (_AT.AT_DisableRule, _AT.AT_EnableReplicaRule):
        return "the rule stops rewriting the queries of normal sessions"
    if st == _AT.AT_DisableTrigAll:
        return "no trigger fires any more, including the internal ones that enforce foreign keys"
    return "its side effects (audit rows, derived columns, checks, notifications) stop"


@rule(
    name="ban-disable-trigger",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DISABLE TRIGGER / RULE / ROW LEVEL SECURITY on an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE payments DISABLE TRIGGER payments_audit;
    """,
    good="""
    ALTER TABLE payments ENABLE TRIGGER payments_audit;
    """,
    fix="""
    Do not switch off a table's behaviour under running code:
    1. if every application version you may still run or roll back to must do without the
       trigger, rule or row-level security, change those versions first and deploy them, then
       drop or disable it with a suppression comment that records why it is safe;
    2. for a one-off data fix that must bypass a trigger, disable and re-enable it inside one
       transaction (concurrent writers wait for its lock and never see it off), and record it
       in a suppression comment.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Triggers, rules and row-level security act on every write and read of the table without
    the client asking. Disabling a trigger (by name, `USER` or `ALL`), making it fire only in
    replica sessions (`ENABLE REPLICA`), disabling a rule, or switching row-level security off
    (`DISABLE` / `NO FORCE ROW LEVEL SECURITY`) changes what the version still running and the
    one you roll back to get without any error: audit rows and derived values stop being
    written, checks stop rejecting, notifications stop, `ALL` also stops the internal triggers
    that enforce foreign keys, and queries see rows the policies used to hide. Rolling the
    application back does not switch them on again. `ENABLE [ALWAYS] TRIGGER / RULE` are not
    reported: they resume the normal behaviour (usually closing a disable earlier in the same
    migration). Not reported either: tables created earlier in the same file (or migration
    unit); `ALTER TABLE IF EXISTS` of a relation the replay proves absent; switching row-level
    security off where the catalog knows the table's history and it is already off."""
    rel = node.relation
    if node.objtype not in (enums.ObjectType.OBJECT_TABLE, enums.ObjectType.OBJECT_FOREIGN_TABLE):
        return
    if not relation_in_use(ctx, rel, node.missing_ok):
        return
    table = ctx.catalog.table(rel) if isinstance(rel, ast.RangeVar) else None
    label = q(util.rv_name(rel))
    for cmd in util.alter_cmds(node):
        st = cmd.subtype
        if st in _TRIGGERS:
            what = _TRIGGERS[st].format(name=q(cmd.name or "?"))
            yield Violation(
                f"{what} on existing table {label}: for the version still running and the one "
                f"you roll back to, {_trigger_effect(st)}, without any error; change those "
                "versions first",
                node=rel,
            )
        elif st in _RLS and not _rls_noop(st, table, ctx):
            who = "the table's owner role" if st == _AT.AT_NoForceRowSecurity else "every role"
            yield Violation(
                f"{_RLS[st]} on existing table {label}: {who} bypasses its policies again, so "
                "the version still running and the one you roll back to see and change rows "
                "the policies used to hide; change those versions first",
                node=rel,
            )
