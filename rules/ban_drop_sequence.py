from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule


@rule(
    name="ban-drop-sequence",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP SEQUENCE of an existing sequence",
    nodes=(ast.DropStmt,),
    bad="""
    DROP SEQUENCE invoice_number_seq;
    """,
    good="""
    CREATE SEQUENCE batch_number_seq;
    DROP SEQUENCE batch_number_seq;
    """,
    fix="""
    Retire a sequence in two releases:
    1. move every caller of nextval()/currval()/setval() on it, and every column default that
       uses it, to the new source of numbers, and deploy that everywhere;
    2. drop the sequence in a later migration, noting in a suppression comment why nothing
       uses it any more.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Application code that numbers rows itself (`SELECT nextval('invoice_number_seq')`) or
    reads `currval()` fails with `42P01 undefined_table` as soon as the sequence is gone, in
    every instance still running the old code and after an application-only rollback.
    PostgreSQL refuses to drop a sequence a column default uses, unless `CASCADE`, which
    removes those defaults: inserts from old code that leave the column out then fail on NOT
    NULL, or store NULL. Sequences created earlier in the same file (or migration unit) are
    not flagged, nor is `DROP SEQUENCE IF EXISTS` of a sequence the replayed history proves
    absent."""
    if node.removeType != enums.ObjectType.OBJECT_SEQUENCE:
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    also = " CASCADE (also removes every column default that uses it)" if cascade else ""
    for ref in existing_drops(node, ctx):
        yield Violation(
            f'DROP SEQUENCE "{ref.name}"{also}: running code that calls nextval() on it fails, '
            "and a rollback does not restore it"
        )
