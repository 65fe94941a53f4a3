from collections.abc import Iterator
from typing import Any

from pgarch_lint.analysis.altered_objects import (
    all_created_here,
    altered_functions,
    in_routine_body,
)
from pgarch_lint.api import Category, Context, Function, Severity, Violation, ast, enums, rule, util

_SET = enums.VariableSetKind
# planner estimates only: results, errors and privileges of calls do not change
_ESTIMATES = frozenset({"cost", "rows"})


def _flag(d: ast.DefElem) -> bool:
    return bool(getattr(d.arg, "boolval", False))


def _word(d: ast.DefElem) -> str:
    return str(getattr(d.arg, "sval", "") or "").lower()


def _label(d: ast.DefElem) -> str:
    """The option as written, with what it changes for callers."""
    name = d.defname
    if name == "security":
        if _flag(d):
            return "SECURITY DEFINER (calls run with the owner's privileges)"
        return "SECURITY INVOKER (calls run with the caller's privileges)"
    if name == "set" and isinstance(d.arg, ast.VariableSetStmt):
        vs = d.arg
        if vs.kind == _SET.VAR_RESET_ALL:
            clause = "RESET ALL"
        elif vs.kind == _SET.VAR_RESET:
            clause = f"RESET {vs.name}"
        else:
            clause = f"SET {vs.name}"
        return f"{clause} (the settings its body runs with, name resolution included)"
    if name == "volatility":
        return f"{_word(d).upper()} (how the planner may cache or fold its calls)"
    if name == "strict":
        if _flag(d):
            return "STRICT (calls with a NULL argument return NULL without running it)"
        return "CALLED ON NULL INPUT (calls with a NULL argument now run it)"
    if name == "leakproof":
        if _flag(d):
            return "LEAKPROOF (it may run before row-level security and barrier filters)"
        return "NOT LEAKPROOF"
    if name == "parallel":
        return f"PARALLEL {_word(d).upper()} (whether it may run in parallel workers)"
    if name == "support":
        return "SUPPORT (a planner support function may rewrite its calls)"
    return (name or "option").upper()


def _no_op(d: ast.DefElem, funcs: list[Function]) -> bool:
    """The option sets what every (known) routine already has."""
    if not funcs:
        return False
    name = d.defname
    if name == "security":
        return all(f.security_definer == _flag(d) for f in funcs)
    if name == "volatility":
        return all(f.volatility == _word(d) for f in funcs)
    if name == "strict":
        return all(f.strict == _flag(d) for f in funcs)
    if name == "leakproof":
        return all(f.leakproof == _flag(d) for f in funcs)
    return False


def _kind(node: ast.AlterFunctionStmt) -> str:
    return str(getattr(node.objtype, "name", "OBJECT_FUNCTION")).removeprefix("OBJECT_")


@rule(
    name="ban-alter-function-options",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER FUNCTION / PROCEDURE / ROUTINE changes an option of an existing routine",
    nodes=(ast.AlterFunctionStmt,),
    default=False,
    bad="""
    ALTER FUNCTION invoice_total(bigint) SECURITY DEFINER;
    """,
    good="""
    CREATE FUNCTION order_weight(order_id bigint) RETURNS numeric
        LANGUAGE sql STABLE AS 'SELECT 0::numeric';
    ALTER FUNCTION order_weight(bigint) SET search_path = pg_catalog, public;
    ALTER FUNCTION invoice_total(bigint) COST 500;
    """,
    fix="""
    Change how an existing routine runs without surprising its callers:
    1. create a new routine (a new name, or a new signature) with the new options, move the
       application to it and deploy;
    2. drop the old one in a later migration, once no version you may roll back to calls it;
    3. if the change must be in place, check every caller (application versions, views,
       triggers, other routines) and record the review in a suppression comment.
    """,
)
def check(node: ast.AlterFunctionStmt, ctx: Context) -> Iterator[Violation]:
    """The options of a routine decide how every call runs: `SECURITY DEFINER` / `INVOKER` whose
    privileges it has, `SET` / `RESET` the settings (a `search_path` change makes the same body
    resolve other tables and functions), `STRICT` whether NULL arguments run it, the volatility
    whether the planner may cache or fold calls (a wrong `IMMUTABLE` gives stale results and
    broken indexes), `LEAKPROOF` whether it runs before row-level security filters, `PARALLEL`
    whether it may run in workers. The application version still running during a deploy, and
    the one a rollback returns to, call it with the new behaviour, and a rollback of the
    application does not restore it. `COST` and `ROWS` change planner estimates only and are not
    reported, nor is an option the catalog knows the routine has already (`SECURITY`,
    volatility, `STRICT`, `LEAKPROOF`). Routines created earlier in the same file (or migration
    unit) are new and not flagged; renames, owner changes and schema moves are other statements.
    Statements in a function body are skipped: they run when the routine is called, on objects
    unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    funcs = altered_functions(ctx, node.func)
    if all_created_here(ctx, funcs):
        return
    changed: list[Any] = [
        d
        for d in node.actions or ()
        if isinstance(d, ast.DefElem) and d.defname not in _ESTIMATES and not _no_op(d, funcs)
    ]
    if not changed:
        return
    names = util.names_of(node.func.objname) if isinstance(node.func, ast.ObjectWithArgs) else []
    kind = _kind(node)
    yield Violation(
        f'ALTER {kind} "{".".join(names)}" changes how the calls of existing callers run: '
        + "; ".join(_label(d) for d in changed),
        node=changed[0],
    )
