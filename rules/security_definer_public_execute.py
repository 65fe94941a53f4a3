from collections.abc import Iterator

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule


@rule(
    name="security-definer-public-execute",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a SECURITY DEFINER function that PUBLIC can still execute",
    nodes=(EndOfRun,),
    bad="""
    CREATE FUNCTION app.purge_tenant(t bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = ''
    AS $$ DELETE FROM app.documents WHERE tenant_id = t $$;
    """,
    good="""
    CREATE FUNCTION app.purge_tenant(t bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = ''
    AS $$ DELETE FROM app.documents WHERE tenant_id = t $$;
    REVOKE EXECUTE ON FUNCTION app.purge_tenant(bigint) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION app.purge_tenant(bigint) TO app_admin;
    """,
    fix="""
    Right after creating the function:
    1. `REVOKE EXECUTE ON FUNCTION name(argtypes) FROM PUBLIC;`
    2. `GRANT EXECUTE ON FUNCTION name(argtypes) TO the_roles_that_need_it;`
    To make this the default for a schema, run `ALTER DEFAULT PRIVILEGES IN SCHEMA s REVOKE
    EXECUTE ON FUNCTIONS FROM PUBLIC;` before creating functions there.
    """,
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL grants EXECUTE on every new function and procedure to PUBLIC. For an ordinary
    function that is harmless, since it runs with the caller's rights; a SECURITY DEFINER
    function runs with its owner's rights, so every role that can connect (and reach the
    schema) can use whatever the owner can do through it. The grant has to be revoked
    explicitly, after the function exists (or beforehand with ALTER DEFAULT PRIVILEGES).
    Judged on the final schema, after the last file: a REVOKE in a later migration counts."""
    catalog = ctx.catalog
    for func in catalog.functions():
        if not func.security_definer or not catalog.public_can_execute(func):
            continue
        at = ctx.report_loc([func.created, *func.changed])
        if at is None:
            continue
        kind = "procedure" if func.procedure else "function"
        yield Violation(
            f'SECURITY DEFINER {kind} "{func.signature}" is executable by PUBLIC: every role can '
            "call it with its owner's privileges",
            help=f"`REVOKE EXECUTE ON {kind.upper()} {func.signature} FROM PUBLIC;` then grant "
            "EXECUTE to the roles that need it",
            at=at,
        )
