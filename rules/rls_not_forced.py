from collections.abc import Iterator

from pgarch_lint.analysis.tenancy import tenant_tables
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

from ._report import object_loc, sql_name


@rule(
    name="rls-not-forced",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a tenant table with row-level security enabled but not forced",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    good="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    ALTER TABLE documents FORCE ROW LEVEL SECURITY;
    """,
    fix="Add `ALTER TABLE ... FORCE ROW LEVEL SECURITY` next to `ENABLE ROW LEVEL SECURITY`.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """ENABLE ROW LEVEL SECURITY applies the policies to every role except superusers, roles
    with BYPASSRLS and the table's owner. Applications very often connect as the role that ran
    the migrations, which owns the tables: for that connection the policies do nothing and
    tenant isolation silently depends on every query's WHERE clause again. FORCE ROW LEVEL
    SECURITY makes the policies apply to the owner too."""
    for t, col in tenant_tables(ctx):
        if not t.rls_enabled or t.rls_forced:
            continue
        at = object_loc(ctx, t)
        if at is None:
            continue
        yield Violation(
            f'tenant table "{t.name}" ({col}) has row-level security enabled but not forced: '
            "the table owner (often the application's own role) bypasses every policy",
            help=f"Run `ALTER TABLE {sql_name(t.qualified)} FORCE ROW LEVEL SECURITY;`",
            at=at,
        )
