from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_OT = enums.ObjectType


@rule(
    name="ban-drop-policy",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP POLICY or DROP RULE on an existing table",
    nodes=(ast.DropStmt,),
    default=False,
    bad="""
    DROP POLICY IF EXISTS tenant_isolation ON invoices;
    """,
    good="""
    CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
    ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON invoices USING (tenant_id = 1);
    DROP POLICY tenant_isolation ON invoices;
    """,
    fix="""
    Change access rules without surprising running code:
    1. create the replacement policy (or rule) first, under a new name, so that both hold
       while old and new code run;
    2. deploy the code that no longer needs the old one;
    3. drop the old policy or rule in a later migration, noting in a suppression comment
       which one replaced it.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """A row-level security policy decides which rows each role sees and may write; a rewrite
    rule turns an INSERT, UPDATE or DELETE into other statements (an updatable legacy view, a
    redirect to an archive table). Dropping either changes what the same SQL does for every
    instance still running the old code, and an application rollback does not restore it:
    dropping the last permissive policy hides every row from the roles RLS applies to,
    dropping a restrictive policy exposes rows, and dropping a DO INSTEAD rule makes writes
    fail or land in the wrong table. Dropping a policy and creating it again in the same
    migration is reported too: its new expressions change what old code sees. Policies and
    rules on tables created earlier in the same file (or migration unit), policies created
    earlier in it, and `DROP ... IF EXISTS` of a policy the replayed history proves absent
    (or on a table it proves absent) are not flagged."""
    if node.removeType not in (_OT.OBJECT_POLICY, _OT.OBJECT_RULE):
        return
    for ref in existing_drops(node, ctx):
        if ref.kind == "policy":
            yield Violation(
                f'DROP POLICY "{ref.member}" on "{ref.name}" changes which rows running code '
                "sees and may write, and a rollback does not restore it"
            )
        else:
            yield Violation(
                f'DROP RULE "{ref.member}" on "{ref.name}" changes what running code\'s '
                "statements on it do, and a rollback does not restore it"
            )
