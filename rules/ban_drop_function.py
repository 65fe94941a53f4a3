from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import named_routines, routine_is_new
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, enums, rule

from ._report import q

_OT = enums.ObjectType
_KIND = {
    _OT.OBJECT_FUNCTION: "FUNCTION",
    _OT.OBJECT_PROCEDURE: "PROCEDURE",
    _OT.OBJECT_ROUTINE: "ROUTINE",
    _OT.OBJECT_AGGREGATE: "AGGREGATE",
}


_TRIGGER_TYPES = ("trigger", "event_trigger")


def _signature(owa: ast.ObjectWithArgs) -> str:
    """``name(argtypes)`` as written, or ``name`` when no argument list was given."""
    name = q(".".join(s.sval or "" for s in owa.objname or () if isinstance(s, ast.String)))
    if owa.args_unspecified:
        return name
    args = ", ".join(deparse(a) for a in owa.objargs or ())
    return f"{name}({args})"


@rule(
    name="ban-drop-function",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP FUNCTION / PROCEDURE / ROUTINE / AGGREGATE of an existing routine",
    nodes=(ast.DropStmt,),
    bad="""
    DROP FUNCTION order_total(bigint);
    """,
    good="""
    CREATE FUNCTION cart_total(cart_id bigint) RETURNS numeric
        LANGUAGE sql STABLE AS $$ SELECT 0::numeric $$;
    DROP FUNCTION cart_total(bigint);
    """,
    fix="""
    Retire a routine in two releases:
    1. stop calling it from every application version you may still run or roll back to
       (and from views, triggers and other functions), and deploy that;
    2. drop it in a later migration, with a suppression comment that records why it is safe.
    To change its arguments, create the new signature next to the old one; to change only its
    body, use `CREATE OR REPLACE`.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Code that calls a dropped function or procedure fails with "function does not exist"
    (SQLSTATE 42883): the version still running during the deploy breaks at once, and the
    version you roll back to breaks too, because a rollback of the application does not
    recreate the routine. Dropping and re-creating it with other arguments breaks every call
    with the old ones. With CASCADE, PostgreSQL also drops the triggers, views and defaults
    that use it. Not reported: functions and procedures created earlier in the same file (or
    migration unit; without an argument list, every overload of the name must be new), and
    functions the catalog knows return `trigger` or `event_trigger` (no client can call them;
    dropping the triggers that use them is another matter). Aggregates are not in the catalog: dropping one is always reported. A routine dropped and
    re-created with the same signature later in the file is still reported (a suppression
    comment says it is a re-creation; `CREATE OR REPLACE` avoids the drop unless the return
    type changes)."""
    kind = _KIND.get(node.removeType) if node.removeType is not None else None
    if kind is None:
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    for owa in node.objects or ():
        if not isinstance(owa, ast.ObjectWithArgs) or routine_is_new(ctx, owa):
            continue
        found = named_routines(ctx, owa)
        if found and all(f.returns in _TRIGGER_TYPES for f in found):
            continue  # trigger functions cannot be called by clients
        also = " (CASCADE also drops the triggers, views and defaults that use it)"
        yield Violation(
            f"DROP {kind} {_signature(owa)}{also if cascade else ''} breaks every call "
            "from the version still running or the one you roll back to; stop calling it "
            "first"
        )
