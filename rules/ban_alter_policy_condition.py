from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import all_created_here, altered_policy, in_routine_body
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, rule, util


@rule(
    name="ban-alter-policy-condition",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER POLICY changes the USING or WITH CHECK condition of an existing policy",
    nodes=(ast.AlterPolicyStmt,),
    default=False,
    bad="""
    ALTER POLICY notes_owner ON notes USING (author_id = current_setting('app.user_id')::bigint);
    """,
    good="""
    CREATE TABLE team_notes (id bigint PRIMARY KEY, team_id bigint NOT NULL, body text);
    CREATE POLICY team_notes_team ON team_notes
        USING (team_id = current_setting('app.team_id')::bigint);
    ALTER POLICY team_notes_team ON team_notes
        USING (team_id = current_setting('app.team_id', true)::bigint);
    ALTER POLICY notes_owner ON notes RENAME TO notes_by_author;
    """,
    fix="""
    Change who may see or write which rows in steps:
    1. check what every deployed version (and every version you may roll back to) reads and
       writes under the policy, and what it sets for the condition (session settings, roles);
    2. when the new condition would hide rows or reject writes they rely on, deploy code that
       works under both conditions first;
    3. then alter the policy, with a suppression comment that records the review.
    """,
)
def check(node: ast.AlterPolicyStmt, ctx: Context) -> Iterator[Violation]:
    """A policy's `USING` condition decides which rows queries see (and may update or delete),
    its `WITH CHECK` condition which rows may be written. Changing either changes results and
    errors for every session at once: code still running during the deploy, and the version a
    rollback returns to, may suddenly get fewer rows, more rows, or "new row violates row-level
    security policy", with no error that names the cause, and a rollback of the application does
    not restore the old condition. Policies created earlier in the same file (or migration
    unit), or on tables created there, are new and not flagged, nor is a condition the catalog
    knows the policy has already. Role changes are reported by `ban-alter-policy-roles`, renames
    not at all. Statements in a function body are skipped: they run when the routine is called,
    on objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    if node.qual is None and node.with_check is None:
        return  # roles only, or RENAME (a RenameStmt)
    policy = altered_policy(ctx, node.table, node.policy_name)
    if all_created_here(ctx, [policy]):
        return
    changed: list[str] = []
    if node.qual is not None and (policy is None or policy.using != deparse(node.qual)):
        changed.append("USING")
    if node.with_check is not None and (
        policy is None or policy.with_check != deparse(node.with_check)
    ):
        changed.append("WITH CHECK")
    if not changed:
        return
    clauses = " and ".join(changed)
    yield Violation(
        f'ALTER POLICY "{node.policy_name}" ON "{util.rv_name(node.table)}" changes its '
        f"{clauses} condition: code still running (or rolled back to) may see fewer or more rows, "
        "or have its writes rejected",
        node=node.table,
    )
