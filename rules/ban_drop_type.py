from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import existing_drops
from pgarch_lint.analysis.lookahead import type_swapped_out
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_OT = enums.ObjectType


@rule(
    name="ban-drop-type",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="DROP TYPE or DROP CAST of an existing type or cast",
    nodes=(ast.DropStmt,),
    bad="""
    DROP TYPE shipment_status;
    """,
    good="""
    CREATE TYPE import_state AS ENUM ('queued', 'done');
    DROP TYPE import_state;
    """,
    fix="""
    Retire a type (or cast) in two releases:
    1. move every column, function, cast in application SQL (`'x'::shipment_status`) and
       typed parameter off it, and deploy that everywhere;
    2. drop it in a later migration, without CASCADE, noting in a suppression comment why
       nothing uses it any more.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Application SQL names types: casts (`$1::shipment_status`), function signatures,
    driver-side type registrations (enum and composite codecs looked up by name). Once the
    type is dropped, every instance still running the old code (during a rolling deploy, or
    after an application-only rollback) fails with `42704 undefined_object`. `CASCADE` is
    worse: it also drops every column of that type, with its data, and every function that
    takes or returns it. Dropping a cast breaks queries that rely on it, explicitly or
    implicitly. Types created earlier in the same file (or migration unit) are not flagged,
    nor casts from or to such a type, nor `DROP TYPE IF EXISTS` of a type the replayed
    history proves absent, nor the old half of a type swap (`ALTER TYPE s RENAME TO s_old;
    ALTER TYPE s_new RENAME TO s; DROP TYPE s_old`, Prisma's way to change an enum: code
    names `s`, which still exists). `DROP DOMAIN` is left to `ban-drop-domain`."""
    if node.removeType not in (_OT.OBJECT_TYPE, _OT.OBJECT_CAST):
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    for ref in existing_drops(node, ctx):
        if ref.kind == "cast":
            yield Violation(
                f"DROP CAST ({ref.names[0]} AS {ref.names[1]}): running queries that convert "
                "with it fail, and a rollback does not restore it"
            )
            continue
        if type_swapped_out(ctx, ref.name.rsplit(".", 1)[-1]):
            continue  # the old half of a type swap: its name lives on in the new type
        also = (
            " CASCADE (also drops every column of that type, with its data, and every function "
            "that uses it)"
            if cascade
            else ""
        )
        yield Violation(
            f'DROP TYPE "{ref.name}"{also}: running code that casts to it or passes values of '
            'it fails with "type does not exist", and a rollback does not restore it'
        )
