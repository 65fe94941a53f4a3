from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import in_routine_body
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

# ALTER DATABASE ... WITH option: what the option does to the clients of the database
_OPTION_EFFECTS = {
    "connection_limit": "CONNECTION LIMIT (connections over the limit are refused)",
    "allow_connections": "ALLOW_CONNECTIONS (false refuses every new connection)",
    "is_template": "IS_TEMPLATE (true lets any role with CREATEDB copy it, data included)",
}

_SET = enums.VariableSetKind


def _setting(vs: ast.VariableSetStmt) -> str:
    if vs.kind == _SET.VAR_RESET_ALL:
        return "RESET ALL"
    verb = "RESET" if vs.kind == _SET.VAR_RESET else "SET"
    return f"{verb} {vs.name}"


@rule(
    name="ban-alter-database-options",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER DATABASE changes a setting or connection option of the database",
    nodes=(ast.AlterDatabaseStmt, ast.AlterDatabaseSetStmt),
    default=False,
    bad="""
    ALTER DATABASE shop SET search_path TO app, public;
    """,
    good="""
    ALTER DATABASE shop RENAME TO shop_eu;
    """,
    fix="""
    Keep behaviour that every client depends on out of database-wide settings:
    1. set what one application needs on its own role (`ALTER ROLE app_rw SET ...`) or in
       its connection string, and deploy code that works with and without the change;
    2. if the database setting must change, plan it as an operation of its own: new sessions
       get it, pooled sessions keep the old value until they reconnect.
    """,
)
def check(
    node: ast.AlterDatabaseStmt | ast.AlterDatabaseSetStmt, ctx: Context
) -> Iterator[Violation]:
    """`ALTER DATABASE ... SET` changes the defaults every new session of the database starts
    with (`search_path`, `statement_timeout`, `timezone`, `DateStyle`...): name resolution,
    timeouts and the text of results change for every application at once, including the version
    still running during a deploy and the one a rollback returns to, and a rollback of the
    application does not undo it. Sessions already open keep the old value, so a pool runs with
    both until it reconnects. `CONNECTION LIMIT` and `ALLOW_CONNECTIONS` can refuse connections
    of running code. The database is not in the replayed catalog, so a database created earlier
    in the file is flagged too; renames, owner changes and `SET TABLESPACE` are not reported
    here. Statements in a function body are skipped: they run when the routine is called, on
    objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    db = node.dbname or ""
    if isinstance(node, ast.AlterDatabaseSetStmt):
        vs = node.setstmt
        if not isinstance(vs, ast.VariableSetStmt):
            return
        yield Violation(
            f'ALTER DATABASE "{db}" {_setting(vs)} changes a default of every new session in the '
            "database: running code (and a rolled-back version) gets it too, while pooled "
            "sessions keep the old value"
        )
        return
    changed = [
        _OPTION_EFFECTS.get(d.defname or "", (d.defname or "").upper())
        for d in node.options or ()
        if isinstance(d, ast.DefElem) and d.defname != "tablespace"
    ]
    if not changed:
        return  # SET TABLESPACE moves files; it changes nothing clients see
    yield Violation(
        f'ALTER DATABASE "{db}" changes {", ".join(changed)} for every client of the database, '
        "running code included"
    )
