from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import type_is_new
from pgarch_lint.api import (
    CatalogView,
    Category,
    Context,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

from ._report import join_names, short_name


def _columns_of_type(cat: CatalogView, names: list[str]) -> list[str]:
    """``table.column`` of every column the catalog knows with this domain as its type."""
    td = cat.type(".".join(names))
    if td is None:
        return []
    spellings = {td.name, td.qualified}
    return [
        f"{short_name(t.qualified)}.{c.name}"
        for t in cat.tables()
        for c in t.columns.values()
        if c.type in spellings
    ]


@rule(
    name="ban-drop-domain",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP DOMAIN of an existing domain",
    nodes=(ast.DropStmt,),
    bad="""
    DROP DOMAIN IF EXISTS email_address CASCADE;
    """,
    good="""
    CREATE DOMAIN postal_code AS text CHECK (VALUE ~ '^[0-9]{5}$');
    DROP DOMAIN postal_code;
    """,
    fix="""
    Retire a domain in two releases:
    1. move the columns, functions and application code (casts such as `$1::email_address`)
       to its replacement, and deploy that to every version you may still run or roll back to;
    2. drop the domain in a later migration, without CASCADE (so it fails if anything still
       uses it), with a suppression comment that records why it is safe.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Code that names a domain, in a cast (`$1::email_address`), a function signature or a
    temporary table, fails with "type does not exist" once it is dropped: the version still
    running during the deploy and the one you roll back to both break, and a rollback of the
    application does not bring the type back. With CASCADE, PostgreSQL also drops every
    column of that type, with its data, and every function that takes it. Not reported:
    domains created earlier in the same file (or migration unit)."""
    if node.removeType != enums.ObjectType.OBJECT_DOMAIN:
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    for names in util.drop_targets(node):
        if type_is_new(ctx, names):
            continue
        name = ".".join(names)
        if cascade:
            cols = _columns_of_type(ctx.catalog, names)
            also = f" (with {join_names(cols)})" if cols else ""
            msg = (
                f'DROP DOMAIN "{name}" CASCADE also drops every column of that type{also} and '
                "the functions that take it, and breaks code that still casts to it"
            )
        else:
            msg = (
                f'DROP DOMAIN "{name}" breaks code that still names the type (casts, function '
                "signatures) in the version still running or the one you roll back to"
            )
        yield Violation(msg + "; move everything to its replacement first")
