from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.api import Category, Context, Severity, Violation, ast, option, rule, util

from ._naming import constraint_info, singular_forms, to_snake, trailing_forms


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
    nodes=(ast.Constraint,),
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
    "the same table twice, prefix the role (`author_user_id`, `reviewer_user_id`).",
)
def check(node: ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """A column named `<referenced table>_id` says what it points to without a look at the
    constraint list: joins are obvious, a missing index on it stands out, and tools can infer
    relationships. A foreign key called `buyer` or `owner` hides that it is a key at all.
    A table's leading module prefix may be left out (`client_id` for `oauth_clients`).
    Composite foreign keys are exempt. A self-reference may use any `<role>_id` name
    (`parent_id`, `manager_id`); a key that references another column than the primary key
    may use `<table, singular>_<column>` (`country_code` for `countries (code)`). Names are
    compared in snake_case, so a camelCase `userId` (an ORM's convention) is left to
    naming-snake-case."""
    info = constraint_info(node, ctx)
    if info is None or info.kind != "foreign-key" or len(info.columns) != 1:
        return
    if info.ref_table is None or info.ref_rel is None:
        return
    col = to_snake(info.columns[0])
    ref = to_snake(info.ref_table)
    refcol = to_snake(info.ref_columns[0]) if len(info.ref_columns) == 1 else "id"
    self_ref = info.ref_rel.relname == info.rel.relname and (
        (info.ref_rel.schemaname or None) == (info.rel.schemaname or None)
    )
    singulars = singular_forms(ref)
    forms = trailing_forms(ref)
    accepted = {f"{s}_id" for s in forms}
    if refcol != "id":
        accepted |= {f"{s}_{refcol}" for s in forms}
        accepted.add(refcol)
    if col in accepted:
        return
    prefixed = ctx.options is None or ctx.options.allow_prefixed
    if prefixed and any(col.endswith("_" + a) for a in accepted):
        return
    if self_ref and (col.endswith("_id") or (refcol != "id" and col.endswith("_" + refcol))):
        return
    want = f"{singulars[0]}_id" if refcol == "id" else f"{singulars[0]}_{refcol}"
    also = f' (or "<role>_{want}")' if prefixed else ""
    yield Violation(
        f'foreign-key column "{info.columns[0]}" of "{util.rv_name(info.rel)}" references '
        f'"{util.rv_name(info.ref_rel)}": name it "{want}"{also}',
        node=node,
    )
