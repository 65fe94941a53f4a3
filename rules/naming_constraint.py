from collections.abc import Iterator

from pgarch_lint.analysis.naming import checked_declarations
from pgarch_lint.api import (
    Category,
    Context,
    EndOfRun,
    Severity,
    Violation,
    conventions,
    rule,
    util,
)

from ._naming import AUTOFIX, convention_text, rename_fix, violation

_LABEL = {
    "primary-key": "primary key",
    "foreign-key": "foreign key",
    "unique": "unique constraint",
    "check": "check constraint",
    "exclusion": "exclusion constraint",
}


@rule(
    name="naming-constraint",
    category=Category.NAMING,
    severity=Severity.WARNING,
    summary="a constraint whose name does not follow its `[naming]` template, or an unnamed "
    "constraint",
    nodes=(EndOfRun,),
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
    'Set a template to "" to stop checking that kind. When a kind\'s template is not '
    "configured, the project's own convention is inferred from its schema (see "
    "`pgarch-lint conventions`).",
    autofix=AUTOFIX,
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Constraint names appear in error messages (`violates foreign key constraint ...`), in
    the migrations that later drop, validate or rename the constraint, and in application code
    that maps violations to user-facing errors. PostgreSQL's generated names (`orders_pkey`,
    `orders_customer_id_fkey`, `orders_total_check`) depend on the table and column names at
    creation time, get truncated and numbered on clashes, and differ between environments that
    were migrated differently, so a later `DROP CONSTRAINT orders_total_check1` fails on one of
    them. A predictable convention lets migrations name constraints without looking them up.
    The convention is the project's own when its schema shows one clearly (inferred from
    every constraint the run knows, `--context` files and a live database included: run
    `pgarch-lint conventions` to see it), else the configured or default template. Unnamed
    constraints count as the name PostgreSQL generates for them."""
    if ctx.settings is None:
        return
    style = conventions.house_style(ctx.catalog, ctx.settings.naming)
    for d in checked_declarations(ctx, tuple(_LABEL)):
        conv = style[d.kind]
        if not conv.template:
            continue
        item = style.object_item(d)
        if style.follows(item, conv):
            continue
        want = conventions.render(conv.template, item.spec)
        label = _LABEL[d.kind]
        if not d.explicit:
            yield violation(
                d,
                f'unnamed {label} on "{d.shown}" gets PostgreSQL\'s generated name '
                f'"{d.name}", which does not follow '
                + (convention_text(conv) if conv.inferred else "the naming convention")
                + f': name it "{want}"',
                help=f"Add `CONSTRAINT {util.quote_ident(want)}` before the constraint.",
                fix=rename_fix(ctx, d, want),
            )
            continue
        yield violation(
            d,
            f'{label} "{d.name}" on "{d.shown}" does not follow {convention_text(conv)}: '
            f'expected "{want}"',
            fix=rename_fix(ctx, d, want),
        )
