from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_OT = enums.ObjectType


@rule(
    name="renaming-table",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="ALTER TABLE ... RENAME TO on an existing table",
    nodes=(ast.RenameStmt,),
    bad="""
    ALTER TABLE customers RENAME TO clients;
    """,
    good="""
    CREATE TABLE customer_import (id bigint PRIMARY KEY, name text NOT NULL);
    ALTER TABLE customer_import RENAME TO customers_staging;
    """,
    fix="""
    Rename without breaking running code:
    1. rename the table and, in the same transaction, create a view with the old name
       (`CREATE VIEW old_name AS SELECT * FROM new_name;` is updatable); mark the rename with
       a suppression comment that points at the view;
    2. move the application to the new name and deploy;
    3. drop the view in a later migration.
    """,
)
def check(node: ast.RenameStmt, ctx: Context) -> Iterator[Violation]:
    """Renaming a table is instant, but every application instance still running the old code
    fails with "relation does not exist" until it is replaced, and so do functions that name
    the table in their bodies (views follow the rename). Tables created earlier in the same
    file are not flagged."""
    if node.renameType != _OT.OBJECT_TABLE:
        return
    rel = node.relation
    if not existed_before(ctx, rel):
        return
    yield Violation(
        f'renaming existing table "{util.rv_name(rel)}" to "{node.newname}" breaks every running '
        "query that still uses the old name",
        node=rel,
    )
