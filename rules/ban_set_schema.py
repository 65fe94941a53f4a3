from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import is_new, provably_absent, set_schema_ref
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

# what application SQL names: relations, types, routines, and an extension's objects
_KINDS = frozenset(
    {
        "table",
        "foreign table",
        "view",
        "materialized view",
        "sequence",
        "type",
        "domain",
        "function",
        "procedure",
        "routine",
        "extension",
    }
)


@rule(
    name="ban-set-schema",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER ... SET SCHEMA of an existing table, view, sequence, type, function or extension",
    nodes=(ast.AlterObjectSchemaStmt,),
    bad="""
    ALTER TABLE invoices SET SCHEMA billing;
    """,
    good="""
    CREATE TABLE invoice_drafts (id bigint PRIMARY KEY);
    ALTER TABLE invoice_drafts SET SCHEMA billing;
    """,
    fix="""
    Move an object without breaking running code:
    1. move it and, in the same transaction, leave a forwarding object under the old name (a
       view `CREATE VIEW public.invoices AS SELECT * FROM billing.invoices` is updatable; a
       wrapper function for a function), or add the new schema to the application role's
       search_path first when the code does not qualify names;
    2. move the code to the new name and deploy it everywhere;
    3. drop the forwarding object in a later migration.
    """,
)
def check(node: ast.AlterObjectSchemaStmt, ctx: Context) -> Iterator[Violation]:
    """Moving an object to another schema renames it for every client: code that qualifies
    the name (`public.invoices`, `public.uuid_generate_v4()`) fails at once, and code that
    does not finds the object only if the new schema is on its search_path. Every instance
    still running the old code (during a rolling deploy, or after an application-only
    rollback, which does not move the object back) breaks on its next use. Moving an
    extension moves all its functions and types. Objects created earlier in the same file
    (or migration unit) and `ALTER ... IF EXISTS` of an object the replayed history proves
    absent are not flagged; kinds that application SQL does not name (collations,
    conversions, operators, text-search objects, statistics) are left alone."""
    ref = set_schema_ref(node)
    if ref is None or ref.kind not in _KINDS or not node.newschema:
        return
    if is_new(ctx, ref):
        return
    if node.missing_ok and provably_absent(ctx, ref):
        return
    yield Violation(
        f'moving {ref.label} to schema "{node.newschema}": running code that qualifies the old '
        f'schema fails, and unqualified names resolve only where "{node.newschema}" is on the '
        "search_path"
    )
