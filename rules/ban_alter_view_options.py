from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import relation_in_use
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

_AT = enums.AlterTableType
_OT = enums.ObjectType
_EFFECT = {
    "security_invoker": "who the view's tables and row-level security policies are checked "
    "against (the caller or the view's owner)",
    "security_barrier": "when the view's conditions run relative to the caller's functions "
    "(what leaks, and which plans are possible)",
    "check_option": "which inserts and updates through the view are rejected",
}


def _option_text(d: ast.DefElem, reset: bool) -> str:
    if reset:
        return str(d.defname)
    if d.arg is None:
        return f"{d.defname}=true"  # SET (security_barrier) means true
    words = util.names_of(d.arg)  # a bare word (local, on) parses as a type name
    if words:
        return f"{d.defname}={words[-1].lower()}"
    for attr in ("sval", "ival", "boolval"):
        if hasattr(d.arg, attr):
            return f"{d.defname}={str(getattr(d.arg, attr)).lower()}"
    return str(d.defname)


@rule(
    name="ban-alter-view-options",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER VIEW ... SET / RESET (options) on an existing view",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER VIEW customer_summary SET (security_invoker = true);
    """,
    good="""
    CREATE VIEW region_summary AS SELECT 1 AS region_id;
    ALTER VIEW region_summary SET (security_invoker = true);
    """,
    fix="""
    Change a view's options only after checking every application version you may still run
    or roll back to against them, under its real database role:
    1. for `security_invoker`, grant that role what the view reads and check the row-level
       security policies it will now meet;
    2. for `check_option`, make sure its inserts and updates through the view stay inside it;
    3. then change the option, with a suppression comment that records the check; or publish
       a new view with the new options and move clients to it.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A view's options change what its clients get, and rolling the application back does
    not restore them. `security_invoker = true` makes PostgreSQL check the underlying tables'
    privileges and row-level security as the caller rather than the view's owner: a role that
    read the view before may now get "permission denied" or fewer rows (and `false` widens
    access the other way). `security_barrier` decides whether the view's conditions run before
    the caller's functions see the rows, which changes both what can leak and which plans are
    possible. `check_option` makes inserts and updates through the view fail when the new row
    would fall outside it. Reported for `ALTER VIEW`, and for `ALTER TABLE ... SET (...)` of a
    relation the catalog knows is a view; storage options of materialized views are not view
    options. Not reported: views created earlier in the same file (or migration unit), and
    `ALTER VIEW IF EXISTS` of a view the replay proves absent."""
    rel = node.relation
    if not isinstance(rel, ast.RangeVar):
        return
    if node.objtype == _OT.OBJECT_TABLE:
        view = ctx.catalog.view(rel)
        if view is None or view.materialized:
            return  # ALTER TABLE of a table (or of an unknown relation)
    elif node.objtype != _OT.OBJECT_VIEW:
        return
    if not relation_in_use(ctx, rel, node.missing_ok):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype not in (_AT.AT_SetRelOptions, _AT.AT_ResetRelOptions):
            continue
        reset = cmd.subtype == _AT.AT_ResetRelOptions
        elems = [d for d in cmd.def_ or () if isinstance(d, ast.DefElem)]
        if not elems:
            continue
        changed = ", ".join(_option_text(d, reset) for d in elems)
        effects = " and ".join(_EFFECT[d.defname] for d in elems if d.defname in _EFFECT)
        yield Violation(
            f"{'RESET' if reset else 'SET'} ({changed}) on existing view {q(util.rv_name(rel))} "
            "changes, for the version still running and the one you roll back to, "
            f"{effects or 'how the view behaves'}; check them against the new options first",
            node=rel,
        )
