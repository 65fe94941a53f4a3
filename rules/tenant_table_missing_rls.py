from collections.abc import Iterator

from pgarch_lint.analysis.tenancy import tenant_tables
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

from ._report import object_loc, sql_name


@rule(
    name="tenant-table-missing-rls",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    summary="a table with a tenant column that does not have row-level security enabled",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL,
        title text NOT NULL
    );
    """,
    good="""
    CREATE TABLE documents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL,
        title text NOT NULL
    );
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    ALTER TABLE documents FORCE ROW LEVEL SECURITY;
    """,
    fix="Create a tenant-isolation policy, then `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` "
    "and `FORCE ROW LEVEL SECURITY`. Tables shared by every tenant belong in "
    "`[tenancy] global-tables`.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """In a shared-schema multi-tenant database the tenant column is the only thing that
    separates one customer's rows from another's. Without row-level security that separation
    lives in every query the application writes: one forgotten `WHERE tenant_id = ...` in a
    report, an admin screen or an ad-hoc script leaks every tenant's data. With RLS enabled
    and a policy on the tenant column, the database enforces it for every query. Judged on
    the final schema, so RLS enabled in a later migration counts."""
    for t, col in tenant_tables(ctx):
        if t.rls_enabled:
            continue
        at = object_loc(ctx, t)
        if at is None:
            continue
        yield Violation(
            f'table "{t.name}" has tenant column "{col}" but row-level security is not '
            "enabled: any query that forgets the tenant filter reads or changes every "
            "tenant's rows",
            help=f"Add a policy and enable RLS: `CREATE POLICY {t.name}_tenant_isolation ON "
            f"{sql_name(t.qualified)} USING ({col} = (SELECT current_setting('app.{col}')::"
            f"{t.columns[col].type})); ALTER TABLE {sql_name(t.qualified)} ENABLE ROW LEVEL "
            f"SECURITY; ALTER TABLE {sql_name(t.qualified)} FORCE ROW LEVEL SECURITY;` "
            "(or list the table in `[tenancy] global-tables` if it is shared by design)",
            at=at,
        )
