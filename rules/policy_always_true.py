from collections.abc import Iterator

from pgarch_lint.analysis.tenancy import always_true, tenant_column
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule


@rule(
    name="policy-always-true",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a policy on a tenant table whose USING or WITH CHECK is constant true",
    nodes=(ast.CreatePolicyStmt, ast.AlterPolicyStmt),
    bad="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    CREATE POLICY documents_all ON documents USING (true);
    """,
    good="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint))
        WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    """,
    fix="Compare the tenant column to the session's tenant in both clauses: `USING (tenant_id "
    "= (SELECT current_setting('app.tenant_id')::bigint))` and the same `WITH CHECK`. A role "
    "that must see every tenant (support, jobs) is better given BYPASSRLS or its own narrowly "
    "scoped policy.",
)
def check(node: ast.CreatePolicyStmt | ast.AlterPolicyStmt, ctx: Context) -> Iterator[Violation]:
    """Permissive policies are OR-ed together: one policy whose USING is `true` (or `1 = 1`,
    or `true OR ...`) opens every row of the table to the roles it names, whatever the other
    policies say, and a WITH CHECK of `true` lets them write rows for any tenant. On a tenant
    table that undoes the isolation row-level security was enabled for. Restrictive policies
    (AND-ed) are not reported."""
    if not isinstance(node.table, ast.RangeVar):
        return
    table = ctx.catalog.table(node.table)
    col = tenant_column(ctx, table)
    if table is None or col is None:
        return
    if isinstance(node, ast.CreatePolicyStmt):
        if not node.permissive:
            return
        roles = _roles(node.roles)
    else:
        existing = table.policies.get(node.policy_name or "")
        if existing is not None and not existing.permissive:
            return
        roles = (
            _roles(node.roles)
            if node.roles
            else (", ".join(existing.roles) if existing is not None else "public")
        )
    for clause, expr in (("USING", node.qual), ("WITH CHECK", node.with_check)):
        if expr is None or not always_true(expr):
            continue
        what = "read every tenant's rows" if clause == "USING" else "write rows for any tenant"
        yield Violation(
            f'policy "{node.policy_name}" on tenant table "{table.name}" has {clause} that is '
            f"always true: its roles ({roles}) can {what}, whatever the other policies say",
            node=expr,
        )


def _roles(roles: object) -> str:
    names: list[str] = []
    for r in roles or ():  # type: ignore[attr-defined]
        if isinstance(r, ast.RoleSpec):
            names.append(
                r.rolename
                or str(getattr(r.roletype, "name", "role")).lower().replace("rolespec_", "")
            )
    return ", ".join(names) if names else "public"
