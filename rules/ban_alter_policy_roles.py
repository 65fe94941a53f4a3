from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import all_created_here, altered_policy, in_routine_body
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


def _role(spec: object) -> str:
    if isinstance(spec, ast.RoleSpec):
        if spec.rolename:
            return spec.rolename
        kind = str(getattr(spec.roletype, "name", spec.roletype))
        return kind.removeprefix("ROLESPEC_").lower()
    return ""


@rule(
    name="ban-alter-policy-roles",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER POLICY ... TO changes the roles an existing policy applies to",
    nodes=(ast.AlterPolicyStmt,),
    default=False,
    bad="""
    ALTER POLICY notes_owner ON notes TO app_reader;
    """,
    good="""
    CREATE TABLE escalations (id bigint PRIMARY KEY, body text);
    CREATE POLICY escalations_support ON escalations TO support_staff USING (true);
    ALTER POLICY escalations_support ON escalations TO support_staff, support_leads;
    """,
    fix="""
    Change which roles a policy covers in steps:
    1. list the roles every deployed version (and every version you may roll back to)
       connects as, and what each may see and write today;
    2. when a role would lose access it relies on, add a policy for the new roles first (or
       deploy code that uses another role), and drop the old coverage in a later migration;
    3. record the review in a suppression comment.
    """,
)
def check(node: ast.AlterPolicyStmt, ctx: Context) -> Iterator[Violation]:
    """`ALTER POLICY ... TO` replaces the list of roles a policy applies to. A role that leaves
    the list loses the rows the policy granted it (permissive policies), or escapes the limit it
    set (restrictive ones); a role that joins gains or loses rows the same way. Code still
    running during the deploy, and the version a rollback returns to, connect with the same
    roles as before and get other results or errors, and a rollback of the application does not
    restore the list. Policies created earlier in the same file (or migration unit), or on
    tables created there, are new and not flagged, nor is a list the catalog knows the policy
    has already. Condition changes are reported by `ban-alter-policy-condition`, renames not at
    all. Statements in a function body are skipped: they run when the routine is called, on
    objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    if not node.roles:
        return
    policy = altered_policy(ctx, node.table, node.policy_name)
    if all_created_here(ctx, [policy]):
        return
    roles = [_role(r) for r in node.roles]
    if policy is not None and sorted(policy.roles) == sorted(roles):
        return  # the same roles again: nothing changes
    listed = ", ".join(f'"{r}"' for r in roles)
    yield Violation(
        f'ALTER POLICY "{node.policy_name}" ON "{util.rv_name(node.table)}" TO {listed} changes '
        "the roles it applies to: sessions of code still running (or rolled back to) may gain "
        "or lose rows",
        node=node.table,
    )
