from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import all_created_here, altered_type, in_routine_body
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


@rule(
    name="ban-add-enum-value",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER TYPE ... ADD VALUE on an existing enum",
    nodes=(ast.AlterEnumStmt,),
    default=False,
    bad="""
    ALTER TYPE shipment_state ADD VALUE 'returned';
    """,
    good="""
    CREATE TYPE parcel_size AS ENUM ('small', 'large');
    ALTER TYPE parcel_size ADD VALUE 'medium' BEFORE 'large';
    """,
    fix="""
    Add an enum value in steps:
    1. deploy code that accepts the new value wherever it reads the column (a fallback for
       unknown values in every `switch`/mapping, driver and ORM enum types included);
    2. add the value;
    3. start writing it only once no version you may roll back to lacks step 1.
    """,
)
def check(node: ast.AlterEnumStmt, ctx: Context) -> Iterator[Violation]:
    """Once a new label exists, the new application version can write it, and every version that
    does not know it (still running during a rolling deploy, or the one a rollback returns to)
    reads rows holding it: enum mappings in drivers and ORMs raise on an unknown label, and
    hand-written `switch` statements fall through. Enum labels cannot be removed without
    rewriting the type, so a rollback cannot take the value back. Enums created earlier in the
    same file (or migration unit) are new and not flagged, nor is `ADD VALUE IF NOT EXISTS` of a
    label the enum is known to have already. Renaming a value is a different change and is not
    reported here. Statements in a function body are skipped: they run when the routine is
    called, on objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    if node.oldVal or not node.newVal:
        return  # RENAME VALUE, or nothing added
    names = util.names_of(node.typeName)
    ty = altered_type(ctx, names)
    if all_created_here(ctx, [ty]):
        return
    if node.skipIfNewValExists and ty is not None and node.newVal in ty.values:
        return  # IF NOT EXISTS of a label it has: nothing happens
    yield Violation(
        f"ADD VALUE '{node.newVal}' on existing enum \"{'.'.join(names)}\": application versions "
        "that do not know the label (still running, or rolled back to) fail or misbehave on "
        "rows that hold it"
    )
