from collections.abc import Iterator

from pgarch_lint.analysis.naming import checked_declarations
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, conventions, rule

from ._naming import violation


@rule(
    name="naming-primary-key-column",
    category=Category.NAMING,
    severity=Severity.INFO,
    summary="a single-column primary key whose column is not named `id`",
    nodes=(EndOfRun,),
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
    fix="Name a surrogate primary-key column `id` (or what `naming.primary-key-column` says); keep "
    "natural or business keys (`customer_no`, `iso_code`) as UNIQUE columns next to it. When "
    "the template is not configured, the project's own convention is inferred from its schema "
    "(see `pgarch-lint conventions`).",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """When every table's key is `id` and every reference is `<table>_id`, joins write
    themselves (`orders.customer_id = customers.id`) and tools, ORMs and reviewers can tell
    keys from data at a glance. A key column named after a business attribute tends to change
    meaning, and then the key has to be rewritten in every referencing table. Composite keys
    (join tables, partitioned tables) and a key that is also the table's single-column foreign
    key (a one-to-one extension table such as `customer_settings.customer_id`) are exempt; so
    is a key named `<other table>_id`, whose foreign key may come in a later statement.
    `customer_id` as the key of `customers` is reported: that is the `id`. A project whose
    schema clearly follows another convention (`{table_singular}_id`, `key`...) is judged by
    it instead (see `pgarch-lint conventions`); set `naming.primary-key-column` to fix one."""
    if ctx.settings is None:
        return
    style = conventions.house_style(ctx.catalog, ctx.settings.naming)
    conv = style["primary-key-column"]
    if not conv.template:
        return
    for d in checked_declarations(ctx, ("primary-key",)):
        item = style.pk_column_item(d)
        if item is None or style.follows(item, conv):
            continue
        col = d.columns[0]
        if _shared_key(col, d.table):
            continue
        want = conventions.render(conv.template, item.spec)
        tail = f" ({conv.evidence()} follow {conv.template})" if conv.inferred else ""
        yield violation(d, f'primary key of "{d.shown}" is column "{col}", not "{want}"{tail}')


def _shared_key(col: str, table: str) -> bool:
    """``project_id`` as the key of ``posthog_integrations``: named after *another* table, so a
    one-to-one extension whose foreign key may only be added by a later statement.
    ``customer_id`` as the key of ``customers`` is not: that one should be ``id``."""
    snake = conventions.to_snake(col)
    if not snake.endswith("_id"):
        return False
    return snake[: -len("_id")] not in conventions.trailing_forms(conventions.to_snake(table))
