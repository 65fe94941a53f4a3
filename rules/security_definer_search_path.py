from collections.abc import Iterator

from pgarch_lint.analysis.security import (
    catalog_functions,
    defelem,
    input_arg_count,
    search_path_action,
    security_definer,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import display_name

_HELP = (
    "add `SET search_path = ''` (and schema-qualify every name in the body) or "
    "`SET search_path = pg_catalog, pg_temp` to the function definition"
)


@rule(
    name="security-definer-search-path",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    summary="a SECURITY DEFINER function or procedure without SET search_path",
    nodes=(ast.CreateFunctionStmt, ast.AlterFunctionStmt),
    bad="""
    CREATE FUNCTION app.tenant_of(uid uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    AS $$ SELECT tenant_id FROM app.members WHERE user_id = uid $$;
    """,
    good="""
    CREATE FUNCTION app.tenant_of(uid uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = ''
    AS $$ SELECT tenant_id FROM app.members WHERE user_id = uid $$;
    """,
    fix="""
    Pin the search path in the definition itself:
    1. add `SET search_path = ''` to CREATE FUNCTION (or `SET search_path = pg_catalog, pg_temp`);
    2. schema-qualify every table, function and operator the body uses (`app.members`);
    3. when you CREATE OR REPLACE the function later, repeat the SET clause: a replacement
       keeps none of the old one's settings.
    """,
)
def check(
    node: ast.CreateFunctionStmt | ast.AlterFunctionStmt, ctx: Context
) -> Iterator[Violation]:
    """A SECURITY DEFINER routine runs with its owner's privileges, but it resolves unqualified
    names through the *caller's* search_path. Any role that can create objects in a schema on
    that path (or in its own temporary schema, which PostgreSQL searches first for relations)
    can plant a table, function or operator with the same name and have the owner run it:
    privilege escalation, often to a superuser. `SET search_path` on the routine fixes the path
    for the duration of each call. `CREATE OR REPLACE` replaces the whole definition, so a
    replacement without the clause silently removes the protection an earlier version had, and
    `ALTER FUNCTION ... SECURITY DEFINER` turns an ordinary function into an exposed one.
    SQL-standard bodies (`BEGIN ATOMIC ... END`) are resolved when the function is created and
    are not flagged."""
    if isinstance(node, ast.CreateFunctionStmt):
        yield from _create(node, ctx)
    else:
        yield from _alter(node, ctx)


def _kind(is_procedure: bool) -> str:
    return "procedure" if is_procedure else "function"


def _create(node: ast.CreateFunctionStmt, ctx: Context) -> Iterator[Violation]:
    if not security_definer(node.options) or node.sql_body is not None:
        return
    if search_path_action(node.options) == "set":
        return
    names = util.names_of(node.funcname)
    kind = _kind(bool(node.is_procedure))
    where = defelem(node.options, "security")
    dropped = ""
    if node.replace:
        qualified = names if len(names) > 1 else [ctx.catalog.creation_schema, *names]
        old = catalog_functions(ctx.catalog, qualified, input_arg_count(node.parameters))
        if any("search_path" in f.settings for f in old):
            dropped = (
                "; its earlier definition pinned search_path, and CREATE OR REPLACE drops that "
                "SET clause"
            )
    yield Violation(
        f'SECURITY DEFINER {kind} "{display_name(names)}" has no SET search_path: it runs with '
        f"its owner's privileges but resolves names through the caller's search_path, so a "
        f"caller can plant objects that it then runs{dropped}",
        help=_HELP,
        node=where,
    )


def _alter(node: ast.AlterFunctionStmt, ctx: Context) -> Iterator[Violation]:
    owa = node.func
    if not isinstance(owa, ast.ObjectWithArgs):
        return
    sd = security_definer(node.actions)
    path = search_path_action(node.actions)
    if sd is False or path == "set":
        return
    if sd is None and path != "reset":
        return  # neither makes it SECURITY DEFINER nor removes its search_path
    names = util.names_of(owa.objname)
    nargs = None if owa.args_unspecified else len(owa.objargs or ())
    funcs = catalog_functions(ctx.catalog, names, nargs)
    if not funcs:
        return  # unknown function: we cannot tell whether it already pins search_path
    kind = _kind(any(f.procedure for f in funcs))
    if sd:
        bare = [f for f in funcs if path == "reset" or "search_path" not in f.settings]
        if not bare:
            return
        yield Violation(
            f'ALTER {kind.upper()} makes "{display_name(names)}" SECURITY DEFINER but it has no '
            "SET search_path: it will run with its owner's privileges and resolve names through "
            "the caller's search_path",
            help=_HELP.replace("to the function definition", "in the same ALTER statement"),
            node=defelem(node.actions, "security"),
        )
        return
    # RESET search_path / RESET ALL on a routine that is already SECURITY DEFINER
    if any(f.security_definer for f in funcs):
        yield Violation(
            f"ALTER {kind.upper()} removes the search_path setting of SECURITY DEFINER {kind} "
            f'"{display_name(names)}": it now resolves names through the caller\'s search_path',
            help="keep the SET search_path clause (`ALTER FUNCTION ... SET search_path = ''`)",
            node=defelem(node.actions, "set"),
        )
