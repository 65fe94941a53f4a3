from collections.abc import Iterator

from pgarch_lint.analysis.nodes import has_column_ref, qualified_func_name, walk_outside_sublinks
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, rule, util

#: Functions that read the session (settings, JWT claims) and give the same answer for every
#: row of a query. ``auth.*`` covers Supabase/PostgREST helpers (auth.uid(), auth.jwt()...).
_SESSION_FUNCTIONS = frozenset({"current_setting", "pg_catalog.current_setting"})
_SESSION_SCHEMAS = frozenset({"auth"})


def _is_session_call(call: ast.FuncCall, ctx: Context) -> bool:
    name = qualified_func_name(call)
    if name in _SESSION_FUNCTIONS:
        return True
    parts = name.split(".")
    if len(parts) == 2 and parts[0] in _SESSION_SCHEMAS:
        return True
    # a user-defined function the catalog knows, not IMMUTABLE: evaluated for every row
    f = ctx.catalog.function(name)
    return f is not None and f.volatility != "immutable" and f.schema not in ("pg_catalog",)


def _flag(expr: ast.Node, ctx: Context) -> list[ast.FuncCall]:
    """The outermost per-row session calls of ``expr`` (one finding per call to wrap)."""
    found: list[ast.FuncCall] = []
    inside: set[int] = set()
    for n in walk_outside_sublinks(expr):
        if not isinstance(n, ast.FuncCall) or id(n) in inside:
            continue
        if any(has_column_ref(a) for a in n.args or ()):
            continue  # depends on the row: wrapping it would not help
        if _is_session_call(n, ctx):
            found.append(n)
            inside.update(id(m) for m in walk_outside_sublinks(n.args or ()))
    return found


@rule(
    name="policy-function-per-row",
    category=Category.SECURITY,
    severity=Severity.INFO,
    summary="a policy calls current_setting()/auth.uid()-style functions directly instead of "
    "inside (SELECT ...)",
    nodes=(ast.CreatePolicyStmt, ast.AlterPolicyStmt),
    bad="""
    CREATE POLICY tenant_isolation ON documents
        USING (tenant_id = current_setting('app.tenant_id')::bigint);
    """,
    good="""
    CREATE POLICY tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    """,
    fix="Wrap the call in a scalar sub-select, e.g. `(SELECT auth.uid())` or "
    "`(SELECT current_setting('app.tenant_id')::bigint)`: the planner evaluates it once per "
    "query (an InitPlan) and can use it like a constant.",
)
def check(node: ast.CreatePolicyStmt | ast.AlterPolicyStmt, ctx: Context) -> Iterator[Violation]:
    """A policy's USING and WITH CHECK expressions are added to every query on the table. A
    STABLE or VOLATILE function called directly in them, such as `current_setting()` or
    Supabase's `auth.uid()` / `auth.jwt()`, is evaluated once for every row the query reads,
    and the comparison cannot use an index as a constant. Wrapped in `(SELECT ...)` the same
    call becomes an InitPlan, run once per query; on large tables the difference is orders of
    magnitude. Calls whose arguments depend on the row are not flagged."""
    seen: set[int] = set()
    for expr in (node.qual, node.with_check):
        if expr is None:
            continue
        for call in _flag(expr, ctx):
            if id(call) in seen:
                continue
            seen.add(id(call))
            name = ".".join(util.names_of(call.funcname))
            yield Violation(
                f'policy "{node.policy_name}" calls {name}() directly: it is evaluated once for '
                "every row instead of once per query",
                help=f"wrap it in a sub-select: `(SELECT {deparse(call)})`",
                node=call,
            )
