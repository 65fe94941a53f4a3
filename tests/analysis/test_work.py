"""analysis.work: what a statement does to a table's rows."""

from __future__ import annotations

import pytest

from pgarch_lint.analysis.work import work_of
from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.sql import parse_text

HISTORY = """
CREATE TABLE customers (id bigint PRIMARY KEY, email varchar(100), phone text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty integer,
    CONSTRAINT ck_orders__qty CHECK (qty IS NOT NULL));
"""


def _catalog() -> Catalog:
    cat = Catalog()
    cat.begin_file("history.sql", context=True)
    for n in parse_text(HISTORY):
        cat.apply(n, Loc("history.sql", 0, 0))
    cat.begin_file("m.sql", context=False)
    return cat


def kinds(sql: str, cat: Catalog | None = None, pg_version: int = 17) -> list[tuple[str, str]]:
    (node,) = parse_text(sql)
    return [(w.kind, w.table) for w in work_of(node, cat or _catalog(), pg_version)]


@pytest.mark.parametrize(
    ("sql", "want"),
    [
        ("ALTER TABLE orders ADD COLUMN note text", [("catalog", "orders")]),
        (
            "ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false",
            [("catalog", "orders")],
        ),
        (
            "ALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid()",
            [("rewrite", "orders")],
        ),
        ("ALTER TABLE orders ADD COLUMN n bigserial", [("rewrite", "orders")]),
        (
            "ALTER TABLE orders ADD COLUMN n int GENERATED ALWAYS AS IDENTITY",
            [("rewrite", "orders")],
        ),
        (
            "ALTER TABLE orders ADD COLUMN d int GENERATED ALWAYS AS (qty * 2) STORED",
            [("rewrite", "orders")],
        ),
        ("ALTER TABLE customers ALTER COLUMN email TYPE varchar(200)", [("catalog", "customers")]),
        ("ALTER TABLE customers ALTER COLUMN email TYPE text", [("catalog", "customers")]),
        ("ALTER TABLE customers ALTER COLUMN phone TYPE varchar(20)", [("rewrite", "customers")]),
        ("ALTER TABLE orders ALTER COLUMN qty TYPE bigint", [("rewrite", "orders")]),
        (
            "ALTER TABLE customers ALTER COLUMN email TYPE text USING lower(email)",
            [("rewrite", "customers")],
        ),
        ("ALTER TABLE customers ALTER COLUMN phone SET NOT NULL", [("scan", "customers")]),
        ("ALTER TABLE orders ALTER COLUMN qty SET NOT NULL", [("catalog", "orders")]),
        ("ALTER TABLE orders ADD CONSTRAINT c CHECK (qty > 0)", [("scan", "orders")]),
        ("ALTER TABLE orders ADD CONSTRAINT c CHECK (qty > 0) NOT VALID", [("catalog", "orders")]),
        (
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers",
            [("scan", "orders"), ("scan", "customers")],
        ),
        ("ALTER TABLE orders VALIDATE CONSTRAINT c", [("scan", "orders")]),
        ("ALTER TABLE orders ADD CONSTRAINT u UNIQUE (qty)", [("index", "orders")]),
        ("ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX ix", [("catalog", "orders")]),
        ("ALTER TABLE orders SET LOGGED", [("rewrite", "orders")]),
        (
            "ALTER TABLE orders DROP COLUMN qty, ALTER COLUMN id TYPE numeric",
            [("rewrite", "orders")],
        ),
        ("CREATE INDEX ix ON orders (qty)", [("index", "orders")]),
        ("CLUSTER orders USING orders_pkey", [("rewrite", "orders")]),
        ("VACUUM FULL orders", [("rewrite", "orders")]),
        ("REFRESH MATERIALIZED VIEW mv", [("rewrite", "mv")]),
        ("UPDATE orders SET qty = 1", [("scan", "orders")]),
        ("CREATE TABLE t (id int)", []),
        ("GRANT SELECT ON orders TO app", []),
    ],
)
def test_work(sql: str, want: list[tuple[str, str]]) -> None:
    assert kinds(sql) == want


def test_set_not_null_proof_needs_postgresql_12() -> None:
    assert kinds("ALTER TABLE orders ALTER COLUMN qty SET NOT NULL", pg_version=11) == [
        ("scan", "orders")
    ]


def test_new_tables_are_marked_and_concurrent_builds_said() -> None:
    cat = _catalog()
    for n in parse_text("CREATE TABLE refunds (id int)"):
        cat.apply(n, Loc("m.sql", 0, 0))
    (node,) = parse_text("CREATE INDEX CONCURRENTLY ix ON refunds (id)")
    (w,) = work_of(node, cat)
    assert (w.kind, w.new, w.concurrent) == ("index", True, True)
