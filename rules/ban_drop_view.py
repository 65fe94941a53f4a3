from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_VIEWS = (enums.ObjectType.OBJECT_VIEW, enums.ObjectType.OBJECT_MATVIEW)


@rule(
    name="ban-drop-view",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP VIEW / DROP MATERIALIZED VIEW of an existing view",
    nodes=(ast.DropStmt,),
    bad="""
    DROP VIEW active_customers;
    """,
    good="""
    CREATE VIEW order_summary AS SELECT 1 AS order_id;
    DROP VIEW order_summary;
    """,
    fix="""
    Retire a view in two releases:
    1. stop reading it from the application (and from reports, exports, other databases'
       foreign tables) and deploy that everywhere;
    2. drop it in a later migration, noting in a suppression comment why no reader is left.
    To change a view's columns, create the new shape under a new name and move readers to
    it; to change only its query, CREATE OR REPLACE VIEW keeps the columns old code reads.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """A view is an interface: application code, reports and exports select from it by name.
    Once it is dropped, every instance still running the old code (during a rolling deploy,
    or after an application-only rollback) fails with `42P01 undefined_table` on its next
    query, and rolling the application back does not bring the view back. `CASCADE` also
    drops every view built on it. Dropping and recreating a view in one migration is
    reported too: it is the way to change columns that CREATE OR REPLACE VIEW refuses to
    change, so what old code reads still changes. Views created earlier in the same file (or
    migration unit) are not flagged, nor is `DROP ... IF EXISTS` of a view the replayed
    history proves absent."""
    if node.removeType not in _VIEWS:
        return
    what = "materialized view" if node.removeType == _VIEWS[1] else "view"
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    also = " CASCADE (also drops every view built on it)" if cascade else ""
    for ref in existing_drops(node, ctx):
        yield Violation(
            f'DROP {what.upper()} "{ref.name}"{also}: running code that still reads the '
            f'{what} fails with "relation does not exist", and a rollback does not restore it'
        )
