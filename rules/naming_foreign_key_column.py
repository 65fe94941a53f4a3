from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.naming import checked_declarations
from pgarch_lint.api import (
    Category,
    Context,
    EndOfRun,
    Severity,
    Violation,
    conventions,
    option,
    rule,
)

from ._naming import violation


@dataclass(frozen=True)
class Options:
    allow_prefixed: bool = option(
        True,
        "Also accept a role prefix before the referenced name: `author_user_id`, "
        "`billing_address_id`. Set to false to require exactly `{table, singular}_id`.",
    )


@rule(
    name="naming-foreign-key-column",
    category=Category.NAMING,
    severity=Severity.INFO,
    summary="a single-column foreign key whose column is not named `{referenced table, "
    "singular}_id`",
    nodes=(EndOfRun,),
    options=Options,
    bad="""
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        buyer bigint NOT NULL REFERENCES customers (id)
    );
    """,
    good="""
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id),
        billing_address_id bigint REFERENCES addresses (id),
        parent_id bigint REFERENCES orders (id)
    );
    """,
    fix="Name the column after the table it references, in the singular, plus `_id` "
    "(`customers` → `customer_id`, `categories` → `category_id`); when a table references "
    "the same table twice, prefix the role (`author_user_id`, `reviewer_user_id`). When "
    "`naming.foreign-key-column` is not configured, the project's own convention is inferred "
    "from its schema (see `pgarch-lint conventions`).",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """A column named `<referenced table>_id` says what it points to without a look at the
    constraint list: joins are obvious, a missing index on it stands out, and tools can infer
    relationships. A foreign key called `buyer` or `owner` hides that it is a key at all.
    A table's leading module prefix may be left out (`client_id` for `oauth_clients`).
    Composite foreign keys are exempt. A self-reference may use any `<role>_id` name
    (`parent_id`, `manager_id`); a key that references another column than the primary key
    may use `<table, singular>_<column>` (`country_code` for `countries (code)`). Names are
    compared in snake_case, so a camelCase `userId` (an ORM's convention) is left to
    naming-snake-case. A project whose schema clearly follows another convention (every
    foreign-key column named `<role>_id`, say) is judged by it instead."""
    if ctx.settings is None:
        return
    prefixed = ctx.options is None or ctx.options.allow_prefixed
    style = conventions.house_style(ctx.catalog, ctx.settings.naming, prefixed)
    conv = style["foreign-key-column"]
    if not conv.template:
        return
    for d in checked_declarations(ctx, ("foreign-key",)):
        item = style.fk_column_item(d)
        if item is None or d.ref_shown is None or style.follows(item, conv):
            continue
        refcol = item.spec.values["ref_column"][0]
        singular = conventions.singular_forms(conventions.to_snake(d.ref_table or ""))[0]
        want = f"{singular}_{refcol}"
        if conv.template == conventions.DEFAULTS["foreign-key-column"]:
            also = f' (or "<role>_{want}")' if prefixed else ""
        else:
            also = f' (or "{conventions.render(conv.template, item.spec)}")'
        tail = f" ({conv.evidence()} follow {conv.template})" if conv.inferred else ""
        yield violation(
            d,
            f'foreign-key column "{d.columns[0]}" of "{d.shown}" references "{d.ref_shown}": '
            f'name it "{want}"{also}{tail}',
        )
