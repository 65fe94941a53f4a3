from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._naming import constraint_info, to_snake, trailing_forms


@rule(
    name="naming-primary-key-column",
    category=Category.NAMING,
    severity=Severity.INFO,
    summary="a single-column primary key whose column is not named `id`",
    nodes=(ast.Constraint,),
    bad="""
    CREATE TABLE customers (
        customer_no bigint PRIMARY KEY,
        name text NOT NULL
    );
    """,
    good="""
    CREATE TABLE customers (
        id bigint PRIMARY KEY,
        name text NOT NULL
    );
    -- a one-to-one extension table shares its parent's key: exempt
    CREATE TABLE customer_settings (
        customer_id bigint PRIMARY KEY REFERENCES customers (id),
        theme text
    );
    """,
    fix="Name a surrogate primary-key column `id`; keep natural or business keys (`customer_no`, "
    "`iso_code`) as UNIQUE columns next to it.",
)
def check(node: ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """When every table's key is `id` and every reference is `<table>_id`, joins write
    themselves (`orders.customer_id = customers.id`) and tools, ORMs and reviewers can tell
    keys from data at a glance. A key column named after a business attribute tends to change
    meaning, and then the key has to be rewritten in every referencing table. Composite keys
    (join tables, partitioned tables) and a key that is also the table's single-column foreign
    key (a one-to-one extension table such as `customer_settings.customer_id`) are exempt; so
    is a key named `<other table>_id`, whose foreign key may come in a later statement.
    `customer_id` as the key of `customers` is reported: that is the `id`."""
    info = constraint_info(node, ctx)
    if info is None or info.kind != "primary-key" or len(info.columns) != 1:
        return
    col = info.columns[0]
    if to_snake(col) == "id" or info.expression_keys:
        return
    if _is_foreign_key(col, info.statement, ctx) or _shared_key(col, info.table):
        return
    yield Violation(
        f'primary key of "{util.rv_name(info.rel)}" is column "{col}", not "id"',
        node=node,
    )


def _shared_key(col: str, table: str) -> bool:
    """``project_id`` as the key of ``posthog_integrations``: named after *another* table, so a
    one-to-one extension whose foreign key may only be added by a later statement.
    ``customer_id`` as the key of ``customers`` is not: that one should be ``id``."""
    snake = to_snake(col)
    if not snake.endswith("_id"):
        return False
    return snake[: -len("_id")] not in trailing_forms(to_snake(table))


def _is_foreign_key(col: str, stmt: object, ctx: Context) -> bool:
    """``col`` is a single-column foreign key of the same table (this statement or earlier)."""
    if isinstance(stmt, ast.CreateStmt):
        elts = list(stmt.tableElts or ())
    elif isinstance(stmt, ast.AlterTableStmt):
        elts = [c.def_ for c in util.alter_cmds(stmt)]
        if isinstance(stmt.relation, ast.RangeVar):
            for fk in ctx.catalog.foreign_keys(ctx.catalog.table(stmt.relation)):
                if fk.columns == [col]:
                    return True
    else:
        return False
    for elt in elts:
        for con in util.constraints_of(elt):
            if _fk_cols(con, elt) == [col]:
                return True
    return False


def _fk_cols(con: ast.Constraint, elt: object) -> list[str]:
    if con.contype != enums.ConstrType.CONSTR_FOREIGN:
        return []
    if con.fk_attrs:
        return [s.sval for s in con.fk_attrs if isinstance(s, ast.String) and s.sval]
    if isinstance(elt, ast.ColumnDef) and elt.colname:
        return [elt.colname]
    return []
