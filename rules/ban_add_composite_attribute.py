from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import all_created_here, altered_type, in_routine_body
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_AT = enums.AlterTableType


@rule(
    name="ban-add-composite-attribute",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER TYPE ... ADD ATTRIBUTE on an existing composite type",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TYPE postal_address ADD ATTRIBUTE region text;
    """,
    good="""
    CREATE TYPE geo_point AS (lat double precision, lon double precision);
    ALTER TYPE geo_point ADD ATTRIBUTE altitude double precision;
    """,
    fix="""
    Change a composite type that deployed code uses in steps:
    1. make every reader and writer tolerant of the new shape (build values with all
       attributes named, e.g. through a function, and decode them by name), and deploy that;
    2. add the attribute, then start filling it;
    3. or create a new type (or a table column) instead and move the code to it.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A composite value is a row: adding an attribute changes the shape of every value of the
    type that clients receive and send. Code still running the old version (during a rolling
    deploy, or after a rollback) that builds values positionally fails: `ROW(a, b)::t` and the
    text literal `'(a,b)'` are rejected once the type has a third attribute, and drivers that
    map the type to a fixed structure may fail to decode the longer value. Types created earlier
    in the same file (or migration unit) are new and not flagged. Statements in a function body
    are skipped: they run when the routine is called, on objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    if node.objtype != enums.ObjectType.OBJECT_TYPE:
        return
    rel = node.relation
    if not isinstance(rel, ast.RangeVar):
        return
    name = util.rv_name(rel)
    ty = altered_type(ctx, [p for p in (rel.schemaname, rel.relname) if p])
    if all_created_here(ctx, [ty]):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != _AT.AT_AddColumn or not isinstance(cmd.def_, ast.ColumnDef):
            continue
        yield Violation(
            f'ADD ATTRIBUTE "{cmd.def_.colname}" on existing composite type "{name}" changes the '
            "shape of its values: code still running that builds them positionally (ROW(...), "
            "'(...)' literals) or decodes them into a fixed structure breaks",
            node=cmd.def_,
        )
