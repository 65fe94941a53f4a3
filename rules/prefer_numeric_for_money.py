import re
from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule

# Words that mark a column as a money amount, and words that say it is something else.
_MONEY = frozenset(
    {
        "price",
        "prices",
        "amount",
        "amounts",
        "cost",
        "costs",
        "balance",
        "balances",
        "fee",
        "fees",
        "subtotal",
        "revenue",
        "salary",
        "payment",
        "payout",
        "refund",
        "tax",
        "discount",
    }
)
_NOT_MONEY = frozenset(
    {
        "cents",
        "cent",
        "count",
        "ratio",
        "rate",
        "percent",
        "pct",
        "percentage",
        "bps",
        "tokens",
        "units",
        "time",
        "ms",
        "seconds",
        "duration",
        "latency",
        "score",
        "weight",
        "quantity",
        "qty",
    }
)
_CURRENCIES = frozenset({"usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "inr", "cny"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


def looks_monetary(name: str) -> bool:
    words = _words(name)
    if not words or any(w in _NOT_MONEY for w in words):
        return False
    if any(w in _MONEY for w in words):
        return True
    # "total" alone is ambiguous (total_bytes, total_calls): only "total" or "total_usd"
    return "total" in words and all(w == "total" or w in _CURRENCIES for w in words)


@rule(
    name="prefer-numeric-for-money",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.INFO,
    summary="a real or double precision column whose name looks like a money amount",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE products (id bigint PRIMARY KEY, price double precision NOT NULL);
    """,
    good="""
    CREATE TABLE products (
        id bigint PRIMARY KEY,
        price numeric(12,2) NOT NULL,
        weight_kg double precision
    );
    """,
    fix="Store money as `numeric(p,s)` (exact decimal arithmetic), or as a whole number of "
    "minor units in a `bigint` column named for its unit (`price_cents`).",
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`real` and `double precision` are binary floating point: most decimal fractions
    (0.10, 0.20...) have no exact representation, so sums drift by fractions of a cent,
    equality tests on amounts fail and rounding differs between the database and the
    application. Accounting code needs exact decimal arithmetic, which `numeric` provides.
    Columns are recognised by name (price, amount, cost, balance, fee, total...); names that
    say they hold something else (`*_cents`, rates, ratios, counts) are left alone."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) not in ("float4", "float8"):
        return
    if not looks_monetary(site.name):
        return
    yield Violation(
        f"column {site.label} looks like a money amount but is {type_text(site.type_name)}: "
        "binary floating point cannot represent most decimal fractions exactly",
        node=site.type_name,
    )
