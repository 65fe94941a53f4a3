from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

_TABLE = enums.ObjectType.OBJECT_TABLE
_Node = (
    ast.CreateStmt
    | ast.CreateTableAsStmt
    | ast.AlterTableStmt
    | ast.DropStmt
    | ast.RenameStmt
    | ast.AlterObjectSchemaStmt
)


def _targets(node: _Node, ctx: Context) -> Iterator[tuple[str, ast.RangeVar | None, bool]]:
    """(verb, table, created here) for each table the statement creates or changes."""
    if isinstance(node, ast.CreateStmt):
        if not any(isinstance(p, ast.CreateForeignTableStmt) for p in ctx.parents):
            yield "CREATE TABLE", node.relation, True
    elif isinstance(node, ast.CreateTableAsStmt):
        if node.objtype == _TABLE and node.into is not None:
            yield "CREATE TABLE AS", node.into.rel, True
    elif isinstance(node, ast.AlterTableStmt):
        if node.objtype == _TABLE:
            yield "ALTER TABLE", node.relation, False
    elif isinstance(node, ast.DropStmt):
        if node.removeType == _TABLE:
            for names in util.drop_targets(node):
                yield "DROP TABLE", util.rangevar(names), False
    elif isinstance(node, ast.RenameStmt):
        if node.relation is not None and _TABLE in (node.renameType, node.relationType):
            yield "ALTER TABLE", node.relation, False
    elif node.objectType == _TABLE and node.relation is not None:
        yield "ALTER TABLE", node.relation, False


@rule(
    name="require-table-schema",
    category=Category.CORRECTNESS,
    severity=Severity.WARNING,
    summary="CREATE / ALTER / DROP TABLE names the table without its schema",
    nodes=(
        ast.CreateStmt,
        ast.CreateTableAsStmt,
        ast.AlterTableStmt,
        ast.DropStmt,
        ast.RenameStmt,
        ast.AlterObjectSchemaStmt,
    ),
    default=False,
    bad="""
    CREATE TABLE invoices (id bigint PRIMARY KEY);
    ALTER TABLE invoices ADD COLUMN memo text;
    """,
    good="""
    CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
    ALTER TABLE billing.invoices ADD COLUMN memo text;
    CREATE TEMP TABLE invoice_import (id bigint);
    DROP TABLE invoice_import;
    """,
    fix="Write the schema in front of every table name in DDL (`public.invoices`), or let the "
    "migration tool set `search_path` and leave this rule off.",
)
def check(node: _Node, ctx: Context) -> Iterator[Violation]:
    """An unqualified table name is resolved through `search_path` when the statement runs:
    CREATE TABLE puts the table in the first schema of the path that exists, and ALTER / DROP
    act on the first table of that name found along it. The path comes from the role, the
    database, the connection string or an earlier `SET`, so the same migration can create a
    table in another schema, or alter or drop another table, depending on who runs it and
    where. Writing the schema makes every statement mean one thing. Opt-in: projects that
    pin `search_path` in their migration tool do not need it. Temporary tables (which live in
    their own schema and cannot be given another one) and statements inside function bodies
    (which run later, under the caller's or the function's own path) are not reported."""
    st = ctx.statement
    if st is not None and st.deferred:
        return
    for verb, rv, created in _targets(node, ctx):
        if rv is None or rv.schemaname:
            continue
        if created and rv.relpersistence == "t":
            continue
        if not created:
            known = ctx.catalog.table(rv)
            if known is not None and known.persistence == "temporary":
                continue
        schema = ctx.catalog.creation_schema if created else _lookup_schema(rv, ctx)
        yield Violation(
            f"{verb} {q(rv.relname or '')} does not name the schema: the table is "
            f"{'created in' if created else 'looked up through'} the search_path of whoever "
            f"runs it; write {q(f'{schema}.{rv.relname}')}",
            node=rv,
        )


def _lookup_schema(rv: ast.RangeVar, ctx: Context) -> str:
    known = ctx.catalog.table(rv)
    return known.schema if known is not None else ctx.catalog.creation_schema
