from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import short_name


@rule(
    name="ban-drop-index",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP INDEX of an existing index (a unique guarantee or a plan old code needs)",
    nodes=(ast.DropStmt,),
    default=False,
    bad="""
    DROP INDEX CONCURRENTLY IF EXISTS ux_accounts__email;
    """,
    good="""
    CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE INDEX ix_accounts__email ON accounts (email);
    DROP INDEX ix_accounts__email;
    """,
    fix="""
    Before dropping an index, check what the code that may still run needs from it:
    1. a unique index: no query of the old or new code may rely on it (`ON CONFLICT (cols)`,
       lookups that expect one row, error handling of duplicates); replace it first if the
       guarantee must stay;
    2. any index: the old code's queries must not need it for their plans
       (`pg_stat_user_indexes.idx_scan` shows whether anything uses it);
    then drop it with DROP INDEX CONCURRENTLY and note the review in a suppression comment.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping an index changes what running code gets from the database, and an
    application rollback does not bring it back. A unique index is a guarantee: without it
    duplicates can be written, and `INSERT ... ON CONFLICT (email)` of the old code fails with
    "there is no unique or exclusion constraint matching the ON CONFLICT specification". Any
    index may be what a query of the old code needs for its plan: without it the query turns
    into a sequential scan. Findings for a known unique index are warnings, for a known
    non-unique index info (plans only), for an index the catalog does not know warnings.
    This rule is about compatibility; the lock a plain DROP INDEX takes is
    `require-concurrent-index-deletion`'s concern. Indexes created earlier in the same file
    (or migration unit), indexes that belong to a constraint (PostgreSQL refuses to drop
    them), and `DROP INDEX IF EXISTS` of an index the replayed history proves absent are not
    flagged."""
    if node.removeType != enums.ObjectType.OBJECT_INDEX:
        return
    for ref in existing_drops(node, ctx):
        ix = ctx.catalog.index(ref.name)
        if ix is None:
            yield Violation(
                f'DROP INDEX "{ref.name}": if it is unique, running code loses the guarantee '
                "(duplicates, ON CONFLICT errors); if not, its queries may lose their plan"
            )
            continue
        if ix.constraint is not None:
            continue  # PostgreSQL refuses: drop the constraint instead
        on = f'"{short_name(ix.table)}" ({", ".join(ix.columns)})'
        if ix.unique:
            yield Violation(
                f'DROP INDEX "{ref.name}" removes the unique guarantee on {on}: running code '
                "that relies on it (ON CONFLICT on these columns, no duplicates) breaks"
            )
        else:
            yield Violation(
                f'DROP INDEX "{ref.name}" on {on}: running queries that use it may fall back '
                "to slower plans, and a rollback does not restore it",
                severity=Severity.INFO,
            )
