from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util


@rule(
    name="ban-drop-table",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="DROP TABLE of an existing table",
    nodes=(ast.DropStmt,),
    bad="""
    DROP TABLE old_orders;
    """,
    good="""
    -- after every reader and writer of old_orders is gone from the code:
    -- pgarch-lint: ignore[ban-drop-table] unused since release 4.2 (ticket OPS-123)
    DROP TABLE old_orders;
    """,
    fix="Remove every use of the table from the application first and deploy that; then drop "
    "it in a later migration (renaming it first catches stragglers), with a suppression "
    "comment that records why it is safe.",
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping a table deletes its data irrecoverably (short of a restore) and breaks every
    running instance of the application that still reads or writes it: during a rolling deploy
    the old code is still live. It also takes an ACCESS EXCLUSIVE lock. Tables created earlier
    in the same file are not flagged, nor is `DROP TABLE IF EXISTS` of a table that the replayed
    history proves absent (renamed or dropped earlier, or never created in a schema whose
    history was read): the statement does nothing (inside a function body, which runs later,
    it is still flagged)."""
    if node.removeType != enums.ObjectType.OBJECT_TABLE:
        return
    # a function body runs when called: what the catalog knows now says nothing about then
    deferred = ctx.statement is not None and ctx.statement.deferred
    for names in util.drop_targets(node):
        rv = util.rangevar(names)
        if ctx.catalog.is_new(rv):
            continue
        if node.missing_ok and not deferred and ctx.catalog.relation_absent(".".join(names)):
            continue
        cascade = (
            " CASCADE (also drops every view and foreign key that depends on it)"
            if (node.behavior == enums.DropBehavior.DROP_CASCADE)
            else ""
        )
        yield Violation(
            f'DROP TABLE "{".".join(names)}"{cascade} deletes an existing table\'s data and breaks '
            "code that still uses it"
        )
