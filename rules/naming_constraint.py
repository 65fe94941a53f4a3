from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._naming import constraint_info, follows, render


@rule(
    name="naming-constraint",
    category=Category.NAMING,
    severity=Severity.WARNING,
    summary="a constraint whose name does not follow its `[naming]` template, or an unnamed "
    "constraint",
    nodes=(ast.Constraint,),
    bad="""
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id),
        total numeric(12,2) NOT NULL,
        CONSTRAINT orders_total_positive CHECK (total >= 0)
    );
    """,
    good="""
    CREATE TABLE orders (
        id bigint NOT NULL,
        customer_id bigint NOT NULL,
        total numeric(12,2) NOT NULL,
        CONSTRAINT pk_orders PRIMARY KEY (id),
        CONSTRAINT fk_orders__customers FOREIGN KEY (customer_id) REFERENCES customers (id),
        CONSTRAINT ck_orders__total_positive CHECK (total >= 0)
    );
    """,
    fix="Name every constraint explicitly with `CONSTRAINT <name>`, following the templates of "
    "`[tool.pgarch-lint.naming]` (defaults: `pk_{table}`, `fk_{table}__{ref_table}`, "
    "`uq_{table}__{columns}`, `ck_{table}__{name}`, `ex_{table}__{columns}`). Rename an "
    "existing one with `ALTER TABLE ... RENAME CONSTRAINT old TO new` (a catalog-only change). "
    "Set a template to \"\" to stop checking that kind.",
)
def check(node: ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """Constraint names appear in error messages (`violates foreign key constraint ...`), in
    the migrations that later drop, validate or rename the constraint, and in application code
    that maps violations to user-facing errors. PostgreSQL's generated names (`orders_pkey`,
    `orders_customer_id_fkey`, `orders_total_check`) depend on the table and column names at
    creation time, get truncated and numbered on clashes, and differ between environments that
    were migrated differently, so a later `DROP CONSTRAINT orders_total_check1` fails on one of
    them. A predictable convention lets migrations name constraints without looking them up."""
    info = constraint_info(node, ctx)
    if info is None:
        return
    template = ctx.settings.naming.template(info.kind) if ctx.settings is not None else ""
    if not template:
        return
    spec = info.spec()
    want = render(template, spec)
    where = f'"{util.rv_name(info.rel)}"'
    if info.name is None:
        yield Violation(
            f"unnamed {info.label} on {where} gets PostgreSQL's generated name "
            f'"{info.generated_name()}", which does not follow the naming convention: '
            f'name it "{want}"',
            help=f'Add `CONSTRAINT {util.quote_ident(want)}` before the constraint.',
            node=node,
        )
        return
    if follows(template, info.name, spec, suffix=info.kind == "foreign-key"):
        return
    yield Violation(
        f'{info.label} "{info.name}" on {where} does not follow the naming template '
        f'"{template}": expected "{want}"',
        node=node,
    )
