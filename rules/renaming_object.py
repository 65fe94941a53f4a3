from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import (
    ObjectRef,
    catalog_object,
    is_new,
    provably_absent,
    rename_ref,
)
from pgarch_lint.analysis.lookahead import type_name_taken_later
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_OT = enums.ObjectType

# renameType values another rule reports: renaming-table, renaming-column (table columns)
_TABLE_COLUMN_OWNERS = (_OT.OBJECT_TABLE, _OT.OBJECT_FOREIGN_TABLE)

_BREAKS = {
    "view": 'fails with "relation does not exist"',
    "materialized view": 'fails with "relation does not exist"',
    "foreign table": 'fails with "relation does not exist"',
    "sequence": "fails (nextval('old_name') and the like)",
    "type": 'fails with "type does not exist"',
    "domain": 'fails with "type does not exist"',
    "function": 'fails with "function does not exist"',
    "procedure": 'fails with "procedure does not exist"',
    "routine": 'fails with "function does not exist"',
    "schema": 'fails with "schema does not exist" (and unqualified names leave its search_path)',
    "column": 'fails with "column does not exist"',
    "attribute": "fails to read or build the composite value",
    "role": "cannot log in any more (a rename also clears an MD5 password)",
}


def _constraint_backed(ctx: Context, ref: ObjectRef) -> bool | None:
    """For an index: does it belong to a constraint (whose name the rename changes too)?
    For a constraint: is it one ON CONFLICT ON CONSTRAINT can name? None when unknown."""
    obj = catalog_object(ctx, ref)
    if ref.kind == "index":
        ix = ctx.catalog.index(ref.name)
        return None if ix is None else ix.constraint is not None
    if ref.kind == "constraint":
        kind = getattr(obj, "kind", None)
        return None if kind is None else kind in ("primary key", "unique", "exclude")
    return None


def _finding(ctx: Context, ref: ObjectRef, new: str) -> Violation:
    what = f'renaming {ref.label} to "{new}"'
    if ref.kind in ("index", "constraint"):
        backed = _constraint_backed(ctx, ref)
        if backed is False:
            who = (
                "scripts and planner hints that name the index"
                if ref.kind == "index"
                else "error handling that matches the constraint's name"
            )
            return Violation(
                f"{what} breaks {who}; application queries rarely name it",
                severity=Severity.INFO,
            )
        return Violation(
            f"{what} breaks running code that names the constraint (INSERT ... ON CONFLICT ON "
            "CONSTRAINT, error handling that matches the name)"
        )
    if ref.kind in ("trigger", "policy"):
        return Violation(
            f"{what} breaks scripts that name it (ALTER TABLE ... DISABLE TRIGGER, DROP "
            "POLICY); application queries do not",
            severity=Severity.INFO,
        )
    return Violation(
        f"{what}: running code that still uses the old name {_BREAKS.get(ref.kind, 'fails')}"
    )


@rule(
    name="renaming-object",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="renaming an existing view, index, sequence, type, function, schema, role or enum value",
    nodes=(ast.RenameStmt, ast.AlterEnumStmt),
    bad="""
    ALTER VIEW active_customers RENAME TO current_customers;
    """,
    good="""
    CREATE VIEW order_summary AS SELECT 1 AS order_id;
    ALTER VIEW order_summary RENAME TO order_overview;
    """,
    fix="""
    Rename without breaking running code:
    1. add the new name beside the old one (a view `CREATE VIEW old_name AS SELECT * FROM
       new_name`, a wrapper function, a new enum value the code writes while it still reads
       both) or move the code to the new name first and deploy it everywhere;
    2. rename, or drop the old name, in a later migration, noting in a suppression comment
       which release stopped using it.
    """,
)
def check(node: ast.RenameStmt | ast.AlterEnumStmt, ctx: Context) -> Iterator[Violation]:
    """Application SQL names views, sequences (`nextval('invoice_seq')`), types (`$1::status`),
    functions, schemas and enum values, and drivers look composite and enum types up by name.
    After a rename, every instance still running the old code (during a rolling deploy, or
    after an application-only rollback, which does not rename anything back) fails on its
    next use of the old name. Renaming a role locks out every client that logs in with it.
    Tables and table columns are `renaming-table`'s and `renaming-column`'s business and
    are not reported here; view and materialized-view columns and composite-type attributes
    are. Renaming an index or constraint matters only to code that names it: a warning when
    the constraint is one `ON CONFLICT ON CONSTRAINT` can name (primary key, unique,
    exclusion, or the index behind one), info otherwise, and info for triggers and policies,
    which only scripts name. Objects created earlier in the same file (or migration unit),
    members of such objects, values of such enum types, `ALTER ... IF EXISTS` of an object the
    replayed history proves absent, and a type renamed away while a later statement of the
    file gives its name to a new type (a type swap, as Prisma changes an enum) are not
    flagged."""
    if isinstance(node, ast.AlterEnumStmt):
        if node.oldVal is None or node.newVal is None:
            return  # ADD VALUE
        names = tuple(s.sval for s in node.typeName or () if isinstance(s, ast.String) and s.sval)
        enum_ref = ObjectRef("type", names)
        if not names or is_new(ctx, enum_ref):
            return
        yield Violation(
            f'renaming value "{node.oldVal}" of enum "{enum_ref.name}" to "{node.newVal}": running '
            f'code that writes or compares "{node.oldVal}" fails with "invalid input value for '
            'enum"'
        )
        return
    if node.renameType == _OT.OBJECT_TABLE:
        return
    if node.renameType == _OT.OBJECT_COLUMN and node.relationType in _TABLE_COLUMN_OWNERS:
        return
    ref = rename_ref(node)
    if ref is None or ref.kind == "table" or not node.newname:
        return
    if is_new(ctx, ref):
        return
    if node.missing_ok and provably_absent(ctx, ref):
        return
    if ref.kind == "type" and type_name_taken_later(ctx, ref.name.rsplit(".", 1)[-1]):
        return  # a type swap: a later statement gives the old name to the new type
    yield _finding(ctx, ref, node.newname)
