"""Sketches: the named CHECK / FOREIGN KEY constraints ALTER TABLE gives tables the catalog
does not hold, read through ``constraints_of`` and nothing else."""

from __future__ import annotations

from helpers_catalog import replay

from pgarch_lint.catalog import Catalog, Origin
from pgarch_lint.schema_report import render_json
from pgarch_lint.sql import ast


def _rv(name: str, schema: str | None = None) -> ast.RangeVar:
    return ast.RangeVar(relname=name, schemaname=schema, inh=True, relpersistence="p")


def _cons(cat: Catalog, name: str, schema: str | None = None) -> dict[str, tuple[str, bool]]:
    return {c.name: (c.kind, c.validated) for c in cat.constraints_of(_rv(name, schema))}


def test_named_check_and_foreign_key_are_sketched_and_validated() -> None:
    cat = replay(
        """
        ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total IS NOT NULL) NOT VALID;
        ALTER TABLE orders ADD CONSTRAINT fk_customer
          FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
        ALTER TABLE public.orders VALIDATE CONSTRAINT ck_total;
        """
    )
    assert _cons(cat, "orders") == {
        "ck_total": ("check", True),
        "fk_customer": ("foreign key", False),
    }
    ck, fk = cat.constraints_of(_rv("orders"))
    assert ck.proves_not_null == ["total"] and ck.table == "public.orders"
    assert (fk.ref_table, fk.ref_columns, fk.columns) == (
        "public.customers",
        ["id"],
        ["customer_id"],
    )
    assert cat.origin_of(ck) is Origin.CURRENT_FILE and ck.created is not None
    assert ck.changed  # the VALIDATE


def test_only_named_check_and_foreign_key_constraints() -> None:
    cat = replay(
        """
        ALTER TABLE orders ADD CHECK (total > 0) NOT VALID;
        ALTER TABLE orders ADD CONSTRAINT uq_ref UNIQUE (ref);
        ALTER TABLE orders ADD CONSTRAINT pk_orders PRIMARY KEY (id);
        """
    )
    assert cat.constraints_of(_rv("orders")) == []


def test_sketches_change_nothing_else() -> None:
    """No table, index or constraint appears, no change is noted, no reference is added."""
    sql = """
        ALTER TABLE orders ADD CONSTRAINT fk_customer
          FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT fk_customer;
        ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total > 0) NOT VALID;
        ALTER TABLE orders ALTER CONSTRAINT ck_total NOT DEFERRABLE;
        ALTER TABLE orders RENAME CONSTRAINT ck_total TO ck_orders_total;
        ALTER TABLE orders RENAME COLUMN total TO amount;
    """
    cat = replay(sql)
    assert cat.table(_rv("orders")) is None and cat.tables() == []
    assert cat.foreign_keys_referencing(cat.table(_rv("customers"))) == []
    assert cat.first_change_in("m.sql") is None
    assert {n for n, _ in cat.unknown_references} == {"public.orders"}
    empty = Catalog()
    empty.begin_file("m.sql", context=False)
    assert render_json(cat) == render_json(empty) | {"unknown_references": ["public.orders"]}


def test_drop_rename_and_columns() -> None:
    cat = replay(
        """
        ALTER TABLE orders ADD CONSTRAINT ck_a CHECK (a IS NOT NULL) NOT VALID;
        ALTER TABLE orders ADD CONSTRAINT ck_b CHECK (b IS NOT NULL AND c > 0) NOT VALID;
        ALTER TABLE orders ADD CONSTRAINT ck_d CHECK (d IS NOT NULL) NOT VALID;
        ALTER TABLE orders RENAME CONSTRAINT ck_a TO ck_a2;
        ALTER TABLE orders RENAME COLUMN a TO a_new;
        ALTER TABLE orders DROP COLUMN c;
        ALTER TABLE orders DROP CONSTRAINT ck_d;
        """
    )
    (ck,) = cat.constraints_of(_rv("orders"))
    assert (ck.name, ck.columns, ck.proves_not_null) == ("ck_a2", ["a_new"], ["a_new"])


def test_not_enforced_and_altered_enforceability() -> None:
    cat = replay(
        """
        ALTER TABLE orders ADD CONSTRAINT ck_a CHECK (a > 0) NOT ENFORCED;
        ALTER TABLE orders ADD CONSTRAINT ck_b CHECK (b > 0);
        ALTER TABLE orders ALTER CONSTRAINT ck_b NOT ENFORCED;
        """
    )
    got = {c.name: (c.enforced, c.validated) for c in cat.constraints_of(_rv("orders"))}
    assert got == {"ck_a": (False, False), "ck_b": (False, False)}


def test_the_table_moves_and_is_forgotten() -> None:
    cat = replay(
        """
        ALTER TABLE orders ADD CONSTRAINT ck_a CHECK (a > 0) NOT VALID;
        ALTER TABLE orders RENAME TO purchases;
        ALTER TABLE purchases SET SCHEMA sales;
        ALTER TABLE refunds ADD CONSTRAINT ck_r CHECK (r > 0) NOT VALID;
        ALTER TABLE payouts ADD CONSTRAINT ck_p CHECK (p > 0) NOT VALID;
        ALTER TABLE audit ADD CONSTRAINT ck_q CHECK (q > 0) NOT VALID;
        """
    )
    assert _cons(cat, "orders") == {} and _cons(cat, "purchases") == {}
    (ck,) = cat.constraints_of(_rv("purchases", "sales"))
    assert ck.table == "sales.purchases"
    replay(
        """
        DROP TABLE refunds;
        CREATE TABLE payouts (id bigint);
        CREATE VIEW audit AS SELECT 1 AS q;
        """,
        cat,
    )
    assert _cons(cat, "refunds") == {}
    assert _cons(cat, "payouts") == {}  # the table the catalog now holds answers
    assert _cons(cat, "audit") == {}


def test_schema_rename_and_drop_cascade() -> None:
    cat = replay(
        """
        ALTER TABLE app.orders ADD CONSTRAINT ck_a CHECK (a > 0) NOT VALID;
        ALTER TABLE app.items ADD CONSTRAINT ck_b CHECK (b > 0) NOT VALID;
        ALTER SCHEMA app RENAME TO shop;
        """
    )
    assert _cons(cat, "orders", "app") == {}
    assert _cons(cat, "orders", "shop") == {"ck_a": ("check", False)}
    replay("DROP SCHEMA shop CASCADE;", cat)
    assert _cons(cat, "items", "shop") == {}


def test_a_known_table_answers_with_its_own_constraints() -> None:
    cat = replay(
        """
        CREATE TABLE orders (id bigint, total numeric);
        ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total >= 0) NOT VALID;
        """
    )
    assert _cons(cat, "orders") == {"ck_total": ("check", False)}


def test_context_files_stamp_their_origin() -> None:
    cat = Catalog()
    cat.begin_file("old.sql", context=True)
    replay("ALTER TABLE orders ADD CONSTRAINT ck_a CHECK (a > 0) NOT VALID;", cat, path="old.sql")
    (ck,) = cat.constraints_of(_rv("orders"))
    assert ck.created is not None and ck.created.path == "old.sql"
