from collections.abc import Iterator

from pgarch_lint.analysis.migration import origin_is_current_file
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q


@rule(
    name="ban-drop-extension",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP EXTENSION of an existing extension",
    nodes=(ast.DropStmt,),
    bad="""
    DROP EXTENSION IF EXISTS hstore;
    """,
    good="""
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    DROP EXTENSION pg_trgm;
    """,
    fix="""
    Remove an extension in two releases:
    1. move every column, index, view, function and query that uses its types, functions or
       operators off it, and deploy that to every version you may still run or roll back to;
    2. drop it in a later migration, without CASCADE (so it fails if anything still depends
       on it), with a suppression comment that records why it is safe.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping an extension removes every function, type, operator and operator class it
    installed. Queries of the version still running during the deploy, or of the one you roll
    back to, that call those functions (`similarity()`, `uuid_generate_v4()`, `crypt()`...)
    or use those types fail, and a rollback of the application does not reinstall it. With
    CASCADE, PostgreSQL also drops every column, index, view and function that uses them —
    columns of type `citext` or `hstore`, trigram indexes — with their data. Not reported:
    extensions created earlier in the same file (or migration unit)."""
    if node.removeType != enums.ObjectType.OBJECT_EXTENSION:
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    for names in util.drop_targets(node):
        name = names[-1]
        if origin_is_current_file(ctx, ctx.catalog.extensions.get(name)):
            continue
        also = (
            " and, with CASCADE, every column, index, view and function that uses them"
            if cascade
            else ""
        )
        yield Violation(
            f"DROP EXTENSION {q(name)} removes its functions, types and operators{also}: code "
            "that still uses them, in the version still running or the one you roll back to, "
            "fails; move everything off it first"
        )
