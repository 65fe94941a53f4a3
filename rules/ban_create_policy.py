from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import definition_known
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q


def _role(r: ast.RoleSpec) -> str:
    kind = r.roletype
    if kind is None or kind == enums.RoleSpecType.ROLESPEC_CSTRING:
        return str(r.rolename or "?")
    return kind.name.removeprefix("ROLESPEC_")


def _roles(node: ast.CreatePolicyStmt) -> str:
    names = [_role(r) for r in node.roles or () if isinstance(r, ast.RoleSpec)]
    return ", ".join(names) if names else "PUBLIC"


@rule(
    name="ban-create-policy",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="CREATE POLICY on an existing table",
    nodes=(ast.CreatePolicyStmt,),
    default=False,
    bad="""
    CREATE POLICY documents_owner ON documents TO app_user
        USING (owner_id = current_setting('app.user_id')::bigint);
    """,
    good="""
    CREATE TABLE notes (id bigint PRIMARY KEY, owner_id bigint NOT NULL);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY notes_owner ON notes TO app_user
        USING (owner_id = current_setting('app.user_id')::bigint);
    """,
    fix="""
    Before adding a policy to a table that clients already use:
    1. run every application version you may still run or roll back to, under its real
       database role, against the table with the policy in place (rows it must see, rows it
       writes, the settings the policy reads such as `current_setting(...)`);
    2. make those versions provide what the policy needs, and deploy that;
    3. then create the policy, with a suppression comment that records the check.
    """,
)
def check(node: ast.CreatePolicyStmt, ctx: Context) -> Iterator[Violation]:
    """On a table with row-level security enabled, policies decide which rows each role sees
    and may write: a new permissive policy widens that (the policies are OR-ed), a new
    restrictive one narrows it for every query, and the first policy turns "no rows at all"
    into access. The version still running during the deploy and the one you roll back to
    then see different rows, or have their inserts and updates rejected ("new row violates
    row-level security policy"), and rolling the application back does not drop the policy.
    Not reported: tables created earlier in the same file (or migration unit). When the
    catalog knows the whole history of the table and row-level security is not enabled on
    it, the policy changes nothing yet: the finding is info (the statement that enables row
    level security is where access changes)."""
    rel = node.table
    if not isinstance(rel, ast.RangeVar) or ctx.catalog.is_new(rel):
        return
    table = ctx.catalog.table(rel)
    kind = "permissive" if node.permissive else "restrictive"
    cmd = (node.cmd_name or "all").upper()
    what = (
        f"{kind} policy {q(node.policy_name or '?')} (FOR {cmd} TO {_roles(node)}) on existing "
        f"table {q(util.rv_name(rel))}"
    )
    if table is not None and definition_known(ctx, table) and not table.rls_enabled:
        yield Violation(
            f"{what} has no effect until row-level security is enabled on the table; access "
            "changes for existing clients when it is",
            node=rel,
            severity=Severity.INFO,
        )
        return
    effect = "narrows" if not node.permissive else "widens"
    yield Violation(
        f"{what} {effect} which rows the version still running, and the one you roll back to, "
        "can read and write; check them under their real roles against it first",
        node=rel,
    )
