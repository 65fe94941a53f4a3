from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule


@rule(
    name="ban-drop-trigger",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP TRIGGER on an existing table",
    nodes=(ast.DropStmt,),
    default=False,
    bad="""
    DROP TRIGGER orders_set_updated_at ON orders;
    """,
    good="""
    CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz);
    CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
        FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    DROP TRIGGER orders_set_updated_at ON orders;
    """,
    fix="""
    Retire a trigger in two releases:
    1. make the application do what the trigger did (set the column, write the audit row),
       or stop depending on it, and deploy that everywhere;
    2. drop the trigger in a later migration, noting in a suppression comment what replaced
       it.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Code written against a trigger relies on its side effects without naming it: the
    trigger sets `updated_at`, writes the audit row, keeps a counter or a search column in
    step, or rejects bad writes. After the drop, every instance still running that code
    (during a rolling deploy, or after an application-only rollback, which does not restore
    the trigger) writes rows without them, silently. Triggers on tables created earlier in
    the same file (or migration unit) are not flagged, nor `DROP TRIGGER IF EXISTS` on a
    table the replayed history proves absent. Triggers are not modelled by the catalog: one
    created earlier in the file on an existing table is still reported, and so is dropping a
    trigger to create it again (its new definition may do something else)."""
    if node.removeType != enums.ObjectType.OBJECT_TRIGGER:
        return
    for ref in existing_drops(node, ctx):
        yield Violation(
            f'DROP TRIGGER "{ref.member}" on "{ref.name}": running code that relies on what it '
            "does (columns it sets, rows it writes, checks it makes) silently loses it"
        )
