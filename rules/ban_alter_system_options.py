from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import q

# settings whose value clients see: name resolution, how values are read and printed, which
# statements fail or wait, transaction semantics
_CLIENT_VISIBLE = frozenset(
    {
        "search_path",
        "timezone",
        "datestyle",
        "intervalstyle",
        "bytea_output",
        "standard_conforming_strings",
        "extra_float_digits",
        "client_encoding",
        "lc_messages",
        "lc_monetary",
        "lc_numeric",
        "lc_time",
        "default_text_search_config",
        "array_nulls",
        "backslash_quote",
        "quote_all_identifiers",
        "xmlbinary",
        "xmloption",
        "row_security",
        "session_replication_role",
        "default_transaction_isolation",
        "default_transaction_read_only",
        "default_transaction_deferrable",
        "statement_timeout",
        "lock_timeout",
        "idle_in_transaction_session_timeout",
        "idle_session_timeout",
        "transaction_timeout",
        "check_function_bodies",
        "password_encryption",
    }
)
_VK = enums.VariableSetKind


@rule(
    name="ban-alter-system-options",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER SYSTEM SET / RESET in a migration",
    nodes=(ast.AlterSystemStmt,),
    default=False,
    bad="""
    ALTER SYSTEM SET timezone = 'Europe/Paris';
    """,
    good="""
    ALTER DATABASE shop SET work_mem = '64MB';
    """,
    fix="""
    Keep server configuration out of application migrations: change it through the server's
    configuration management, reviewed with every client of the server (other databases,
    other applications, older releases). When a setting only concerns this application, set
    it on its role or database (`ALTER ROLE ... SET`, `ALTER DATABASE ... SET`) or per
    session, and make every version you may still run or roll back to work with it.
    """,
)
def check(node: ast.AlterSystemStmt, ctx: Context) -> Iterator[Violation]:
    """`ALTER SYSTEM` writes `postgresql.auto.conf`: after the next reload or restart the
    setting applies to every database and every client of the server, not just this
    application, and rolling the application back does not undo it. Settings that clients see
    — `search_path` (which objects unqualified names find), `TimeZone`, `DateStyle`,
    `IntervalStyle`, `bytea_output`, `extra_float_digits` (how values are printed and parsed),
    `standard_conforming_strings`, the default transaction isolation, the statement and lock
    timeouts — change results or make queries fail for clients that were never tested with
    the new value, and `RESET ALL` drops every setting made this way. Other settings (memory,
    WAL, planner costs) are reported as info: they are server tuning that does not belong in a
    migration, but clients do not see them."""
    setstmt = node.setstmt
    if not isinstance(setstmt, ast.VariableSetStmt):
        return
    name = (setstmt.name or "").lower()
    if setstmt.kind == _VK.VAR_RESET_ALL:
        yield Violation(
            "ALTER SYSTEM RESET ALL drops every server setting made with ALTER SYSTEM, for every "
            "database and client of the server; review each one with its clients instead"
        )
        return
    verb = "RESET" if setstmt.kind == _VK.VAR_RESET else "SET"
    if name in _CLIENT_VISIBLE:
        yield Violation(
            f"ALTER SYSTEM {verb} {q(name)} changes how every client of the server, in every "
            "database, resolves names, reads values or runs statements, and an application "
            "rollback does not undo it; set it per role, database or session after checking "
            "every client"
        )
        return
    yield Violation(
        f"ALTER SYSTEM {verb} {q(name)} changes server configuration for every database from a "
        "migration, and an application rollback does not undo it; manage it with the server's "
        "configuration instead",
        severity=Severity.INFO,
    )
