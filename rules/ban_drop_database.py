from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule


@rule(
    name="ban-drop-database",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="DROP DATABASE",
    nodes=(ast.DropdbStmt,),
    bad="""
    DROP DATABASE analytics;
    """,
    good="""
    -- databases are removed by an operator, after a backup, not by a migration
    ALTER DATABASE analytics ALLOW_CONNECTIONS false;
    """,
    fix="Remove databases by hand as an operations task, after a verified backup, never from a "
    "migration or an application script.",
)
def check(node: ast.DropdbStmt, ctx: Context) -> Iterator[Violation]:
    """DROP DATABASE deletes every schema, table and row of a database at once and cannot be
    rolled back (it refuses to run inside a transaction). A migration that contains it, run
    against the wrong environment or re-run by mistake, destroys production data; recovery
    means restoring from backup."""
    force = any(
        isinstance(o, ast.DefElem) and (o.defname or "").lower() == "force"
        for o in node.options or ()
    )
    extra = " (FORCE also terminates every session connected to it)" if force else ""
    yield Violation(
        f'DROP DATABASE "{node.dbname}"{extra} deletes the whole database irrecoverably',
    )
