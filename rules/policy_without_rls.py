from collections.abc import Iterator

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

from ._report import sql_name


@rule(
    name="policy-without-rls",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    summary="policies on a table whose row-level security is not enabled",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (id bigint PRIMARY KEY, owner_id text NOT NULL);
    CREATE POLICY documents_owner ON documents
        USING (owner_id = (SELECT current_setting('app.user_id')));
    """,
    good="""
    CREATE TABLE documents (id bigint PRIMARY KEY, owner_id text NOT NULL);
    CREATE POLICY documents_owner ON documents
        USING (owner_id = (SELECT current_setting('app.user_id')));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    fix="Enable row-level security on the table (`ALTER TABLE ... ENABLE ROW LEVEL SECURITY`, "
    "and `FORCE ROW LEVEL SECURITY`), or drop the policies if they are no longer meant to "
    "apply.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """CREATE POLICY succeeds on a table without row-level security, and the policy is then
    simply ignored: every role with the table privilege sees and changes every row. The
    migration reads as if access were restricted while nothing is, which is worse than no
    policy at all. Judged on the final schema, so RLS enabled in a later migration counts."""
    for t in ctx.catalog.tables():
        if t.rls_enabled:
            continue
        policies = ctx.catalog.policies_on(t)
        if not policies:
            continue
        at = ctx.report_loc(
            [p.created for p in policies] + [x for p in policies for x in p.changed]
        )
        if at is None:
            continue
        names = ", ".join(f'"{p.name}"' for p in policies[:3])
        more = f" and {len(policies) - 3} more" if len(policies) > 3 else ""
        yield Violation(
            f'table "{t.name}" has {"policies" if len(policies) > 1 else "policy"} {names}{more} '
            "but row-level security is not enabled: no policy applies and every row is visible",
            help=f"Run `ALTER TABLE {sql_name(t.qualified)} ENABLE ROW LEVEL SECURITY;` (and "
            "FORCE ROW LEVEL SECURITY), or drop the policies.",
            at=at,
        )
