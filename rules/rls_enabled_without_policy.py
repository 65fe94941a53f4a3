from collections.abc import Iterator

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule


@rule(
    name="rls-enabled-without-policy",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ROW LEVEL SECURITY enabled on a table that has no policy by the end of the "
    "checked files",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, body text);
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    good="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, body text);
    CREATE POLICY documents_tenant ON documents
        USING (tenant_id = current_setting('app.tenant_id')::bigint);
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    fix="""
    Create the policies in the same migration, before enabling row level security:
    1. CREATE POLICY ... ON the table for every command and role that must see or change rows;
    2. then ALTER TABLE ... ENABLE ROW LEVEL SECURITY.
    If no role but the owner may ever access the table, say so with a suppression comment.
    """,
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """With row level security enabled and no policy, PostgreSQL applies a default-deny
    policy: every role other than the table owner, superusers and BYPASSRLS roles sees no rows,
    and its INSERT, UPDATE and DELETE fail or affect nothing. Enabling RLS on a live table
    before its policies exist makes the application's queries return empty results without an
    error — an outage that looks like data loss."""
    cat = ctx.catalog
    for t in cat.tables():
        if not t.rls_enabled or cat.policies_on(t):
            continue
        at = ctx.report_loc([t.created, *t.changed])
        if at is None:
            continue
        forced = "" if t.rls_forced else " other than its owner"
        yield Violation(
            f'table "{t.qualified}" has ROW LEVEL SECURITY enabled but no policy: every role'
            f"{forced} (without BYPASSRLS) sees no rows and cannot write any",
            at=at,
        )
