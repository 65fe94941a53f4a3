from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Origin, Severity, Violation, ast, enums, rule, util


@rule(
    name="ban-drop-schema",
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="DROP SCHEMA of an existing schema (especially with CASCADE)",
    nodes=(ast.DropStmt,),
    bad="""
    DROP SCHEMA reporting CASCADE;
    """,
    good="""
    CREATE SCHEMA staging;
    CREATE TABLE staging.import_rows (id bigint PRIMARY KEY, payload jsonb);
    DROP SCHEMA staging CASCADE;
    """,
    fix="""
    1. Move or drop the schema's objects one by one, each in a reviewed migration, after the
       application stopped using them;
    2. then drop the empty schema without CASCADE (it fails if anything is left), with a
       suppression comment that records why it is safe.
    """,
)
def check(node: ast.DropStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping a schema breaks every query that names it. With CASCADE it silently deletes
    every table, view, function, type and sequence in it, with their data, and anything in
    other schemas that depends on them (views, foreign keys) — one statement can wipe out a
    large part of the database. Schemas created earlier in the same file are not flagged, nor
    is `DROP SCHEMA IF EXISTS` of a schema that the replay saw dropped or renamed away (outside
    function bodies, which run later)."""
    if node.removeType != enums.ObjectType.OBJECT_SCHEMA:
        return
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    deferred = ctx.statement is not None and ctx.statement.deferred  # runs when called
    for parts in util.drop_targets(node):
        name = parts[-1]
        sch = ctx.catalog.schemas.get(name)
        if sch is not None and ctx.catalog.origin_of(sch) is Origin.CURRENT_FILE:
            continue
        if node.missing_ok and not deferred and ctx.catalog.schema_absent(name):
            continue
        if cascade:
            msg = (
                f'DROP SCHEMA "{name}" CASCADE deletes every object in the schema, with its data, '
                "and everything elsewhere that depends on them"
            )
        else:
            msg = f'DROP SCHEMA "{name}" breaks every query and function that still uses it'
        yield Violation(msg)
