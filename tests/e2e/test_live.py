"""Live database mode against a real, throwaway PostgreSQL (the ``pg_server`` fixture).

``inspect`` (whole-schema and live-only rules on pg_catalog), ``check --dsn`` (the live
catalog as context, table sizes, ``--min-table-size``), ``verify`` (locks and rewrites seen on
the server, failures with SQLSTATE, the ``--allow-db`` guard), ``check --explain`` and the
agreement of the live catalog with the one replayed from the same DDL. The first tests need no
server (redaction, sizes, parameter binding, plan parsing, the missing-psycopg error).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.live.conn import redact
from pgarch_lint.live.explain import bind_parameters, filter_columns, seq_scans
from pgarch_lint.live.facts import LiveFacts, TableFacts, format_rows, format_size, parse_size

SCHEMA = """
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    tenant_id bigint NOT NULL
);
COMMENT ON TABLE customers IS 'People who buy things';
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status order_status NOT NULL DEFAULT 'pending',
    quantity integer NOT NULL DEFAULT 1,
    amount numeric(12,2) NOT NULL CHECK (amount >= 0),
    note varchar(200),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX ix_orders__created_at ON orders (created_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_orders__created_at_copy ON orders (created_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_orders__status ON orders (status);
CREATE TABLE events (
    id bigint NOT NULL,
    happened_at timestamptz NOT NULL,
    payload jsonb,
    PRIMARY KEY (id, happened_at)
) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, body text);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_tenant ON documents USING (tenant_id = current_setting('app.tenant')::bigint);
CREATE VIEW v_big_orders WITH (security_invoker = true) AS
    SELECT id, amount FROM orders WHERE amount > 10;
CREATE FUNCTION f_admin(p bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER
    AS $$ SELECT p $$;
CREATE FUNCTION f_safe(p bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog AS $$ SELECT p $$;
REVOKE EXECUTE ON FUNCTION f_safe(bigint) FROM PUBLIC;
"""

DATA = """
INSERT INTO customers (email, tenant_id)
    SELECT 'c' || g || '@example.com', g % 7 FROM generate_series(1, 500) g;
INSERT INTO orders (customer_id, quantity, amount, note, status)
    SELECT 1 + g % 500, 1 + g % 5, g % 100, 'note ' || (g % 1000),
           (ARRAY['pending', 'paid', 'shipped']::order_status[])[1 + g % 3]
    FROM generate_series(1, 40000) g;
"""


# --- no server needed ------------------------------------------------------------------------


def test_redact_masks_passwords_in_every_spelling() -> None:
    dsn = "postgresql://app:p%40ss%20word@db.example:5432/shop_test"
    assert "p%40ss" not in redact("failed for postgresql://app:p%40ss%20word@db", dsn)
    assert "p@ss word" not in redact("echo p@ss word", dsn)
    kv = "host=x password='se cret' dbname=y"
    assert "se cret" not in redact("bad conninfo host=x password='se cret'", kv)
    assert redact("password=hunter2 host=x", None) == "password=**** host=x"


def test_sizes() -> None:
    assert parse_size("10MB") == 10 * 1024**2
    assert parse_size("1.5 GB") == int(1.5 * 1024**3)
    assert parse_size("8192") == 8192
    with pytest.raises(ValueError):
        parse_size("ten")
    assert format_size(12 * 1024**3) == "12 GB"
    assert format_size(8192) == "8192 bytes"
    assert format_rows(40_000_000) == "40 M rows"
    assert format_rows(-1) == "rows unknown"


def test_bind_parameters_numbers_sqlc_names_outside_strings() -> None:
    text = "SELECT '@x' FROM t WHERE a = sqlc.arg(a) AND b = @b AND c = @b AND d = $1 -- @z"
    assert bind_parameters(text) == (
        "SELECT '@x' FROM t WHERE a = $2 AND b = $3 AND c = $3 AND d = $1 -- @z"
    )


def test_filter_columns_and_plan_walk() -> None:
    cols = ["id", "note", "amount"]
    assert filter_columns("((orders.amount > $2) AND ((orders.note)::text = $1))", cols) == (
        "note",
        "amount",
    )
    facts = LiveFacts("db", 150000)
    facts.tables["public.orders"] = TableFacts("public.orders", 50 * 1024**2, 1e6)
    plan = [
        {
            "Plan": {
                "Node Type": "Aggregate",
                "Plans": [
                    {
                        "Node Type": "Seq Scan",
                        "Relation Name": "orders",
                        "Schema": "public",
                        "Filter": "(note = $1)",
                        "Plan Rows": 5,
                    },
                ],
            }
        }
    ]
    found = seq_scans(plan, facts, {"public.orders": cols}, threshold=10 * 1024**2)
    assert [(s.table, s.columns) for s in found] == [("public.orders", ("note",))]
    assert seq_scans(plan, facts, {"public.orders": cols}, threshold=100 * 1024**2) == []


def test_live_option_without_psycopg_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg → ImportError
    f = tmp_path / "m.sql"
    f.write_text("SELECT 1;\n")
    res = CliRunner().invoke(main, ["check", str(f), "--dsn", "postgresql://u:pw@h/db_test"])
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        'pgarch-lint: error: live mode needs psycopg 3: pip install "psycopg[binary]>=3.1"'
    )
    # the static mode does not need it
    assert CliRunner().invoke(main, ["check", str(f)]).exit_code in (0, 1)


# --- with a server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shop(pg_server: Any) -> Iterator[str]:
    """A database ``shop_test`` with known problems, data, statistics and an invalid index."""
    import psycopg

    admin = psycopg.connect(pg_server.dsn("postgres"), autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS shop_test")
    admin.execute("CREATE DATABASE shop_test")
    dsn = pg_server.dsn("shop_test")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
        conn.execute(DATA)
        conn.execute("VACUUM ANALYZE")
        # a failed concurrent build leaves an invalid index behind
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "CREATE UNIQUE INDEX CONCURRENTLY ux_customers__tenant_id ON customers (tenant_id)"
            )
        # use ix_orders__status once, so only the other indexes count as unused
        conn.execute("SET enable_seqscan = off")
        conn.execute("SELECT count(*) FROM orders WHERE status = 'paid'").fetchall()
    # the backend flushed its statistics when it exited
    yield dsn
    admin.execute("DROP DATABASE IF EXISTS shop_test WITH (FORCE)")
    admin.close()


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stdout, res.stderr


def _json(*args: str) -> list[dict[str, Any]]:
    code, out, err = _run(*args, "--format", "json")
    assert code in (0, 1), err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def test_inspect_runs_whole_schema_and_live_rules(shop: str) -> None:
    found = _json("inspect", "--dsn", shop)
    got = {(f["rule"], f["path"]) for f in found}
    orders = "postgresql://shop_test/table/public.orders"
    assert ("fk-missing-index", orders) in got
    assert ("duplicate-index", orders) in got
    assert ("invalid-index", "postgresql://shop_test/table/public.customers") in got
    assert ("tenant-table-missing-rls", "postgresql://shop_test/table/public.customers") in got
    assert ("rls-not-forced", "postgresql://shop_test/table/public.documents") in got
    assert (
        "security-definer-public-execute",
        "postgresql://shop_test/function/public.f_admin(bigint)",
    ) in got
    assert not any("f_safe" in f["path"] for f in found)
    unused = {f["message"].split('"')[1] for f in found if f["rule"] == "unused-index"}
    assert unused == {"ix_orders__created_at", "ix_orders__created_at_copy"}
    assert all("statistics" in f["message"] for f in found if f["rule"] == "unused-index")
    invalid = [f for f in found if f["rule"] == "invalid-index"]
    assert len(invalid) == 1 and '"ux_customers__tenant_id"' in invalid[0]["message"]
    # the line shown is the statement that defines the object
    dup = next(f for f in found if f["rule"] == "duplicate-index")
    code, out, _ = _run("inspect", "--dsn", shop, "--select", "duplicate-index")
    assert code == 1
    assert f"{orders}:{dup['line']}:" in out and "CREATE INDEX ix_orders__created_at_copy" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit", "markdown"])
def test_inspect_every_format_names_the_object(shop: str, fmt: str) -> None:
    code, out, err = _run("inspect", "--dsn", shop, "--select", "fk-missing-index", "--format", fmt)
    assert code == 1, err
    assert "public.orders" in out


def test_password_never_shown(pg_server: Any, shop: str, tmp_path: Path) -> None:
    secret = pg_server.password
    bad = pg_server.dsn("shop_test", password=secret + "-wrong")
    code, out, err = _run("inspect", "--dsn", bad)
    assert code == 2 and "password authentication failed" in err
    assert secret not in out + err and err.count("\n") == 1
    code, out, err = _run("inspect", "--dsn", shop + "?nonsense=1")
    assert code == 2 and secret not in out + err
    code, out, err = _run("inspect", "--dsn", shop)
    assert code == 1 and secret not in out + err
    m = tmp_path / "m.sql"
    m.write_text("ALTER TABLE orders ADD COLUMN x int;\nSELECT * FROM nowhere;\n")
    for args in (
        ["check", str(m), "--dsn", shop, "--explain"],
        ["verify", str(m), "--dsn", shop],
        ["verify", str(m), "--dsn", pg_server.dsn("postgres")],
    ):
        code, out, err = _run(*args)
        assert secret not in out + err, args


def test_check_dsn_uses_the_live_catalog_and_sizes(shop: str, tmp_path: Path) -> None:
    m = tmp_path / "0002_orders.sql"
    m.write_text(
        "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;\n"
        "ALTER TABLE orders ADD CONSTRAINT fk_orders__note FOREIGN KEY (note) "
        "REFERENCES customers (id) NOT VALID;\n"
    )
    found = _json("check", str(m), "--dsn", shop)
    rules = {(f["line"], f["rule"]) for f in found}
    assert (1, "changing-column-type") in rules
    # only the live catalog knows note is varchar and customers.id bigint
    assert (2, "fk-type-mismatch") in rules
    assert (2, "fk-type-mismatch") not in {(f["line"], f["rule"]) for f in _json("check", str(m))}
    change = next(f for f in found if f["rule"] == "changing-column-type")
    assert '"orders" (' in change["message"] and "k rows)" in change["message"]
    # nothing from the database itself is reported: it is context
    assert all(f["path"] == str(m) for f in found)
    small = _json("check", str(m), "--dsn", shop, "--min-table-size", "1GB")
    assert not [f for f in small if f["category"] == "migration-safety"]
    assert (2, "fk-type-mismatch") in {(f["line"], f["rule"]) for f in small}


def test_check_dsn_missing_comment_reports_only_what_the_migration_creates(
    shop: str, tmp_path: Path
) -> None:
    config = tmp_path / "pgarch-lint.toml"
    config.write_text('[rules.missing-comment]\nobjects = ["table", "column", "index"]\n')
    m = tmp_path / "0003_orders.sql"
    m.write_text(
        "ALTER TABLE orders ALTER COLUMN note TYPE varchar(400);\n"
        "ALTER TABLE orders ADD COLUMN coupon text;\n"
        "CREATE INDEX ix_orders__coupon ON orders (coupon);\n"
        "CREATE TABLE refunds (id bigint PRIMARY KEY);\n"
        "COMMENT ON COLUMN refunds.id IS 'Refund number.';\n"
    )
    args = ("check", str(m), "--select", "missing-comment", "--config", str(config))
    # "orders" lives in the database without a comment: altering it does not make it ours
    want = [(2, 'column "coupon"'), (3, 'index "ix_orders__coupon"'), (4, 'table "refunds"')]
    found = _json(*args, "--dsn", shop)
    got = sorted((f["line"], " ".join(f["message"].split()[:2])) for f in found)
    assert got == want, found
    assert all(f["path"] == str(m) for f in found)


def _verify(path: Path, text: str, dsn: str) -> dict[int, dict[str, str]]:
    path.write_text(text)
    by_line: dict[int, dict[str, str]] = {}
    for f in _json("verify", str(path), "--dsn", dsn):
        by_line.setdefault(f["line"], {})[f["rule"]] = f["message"]
    return by_line


def test_verify_observes_locks_and_rewrites(pg_server: Any, shop: str, tmp_path: Path) -> None:
    import psycopg

    # locks are per transaction: one verify run per statement whose locks we want to see
    seen = _verify(
        tmp_path / "a.sql", "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;\n", shop
    )
    assert "verify-rewrite" in seen[1]
    assert seen[1]["verify-locks"].startswith('took: AccessExclusiveLock on "public.orders"')
    seen = _verify(
        tmp_path / "b.sql",
        "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n"
        "ALTER TABLE customers ADD COLUMN flag boolean DEFAULT false;\n",
        shop,
    )
    assert "verify-rewrite" in seen[1]  # a volatile default rewrites
    assert "AccessExclusiveLock" in seen[2]["verify-locks"]
    assert "verify-rewrite" not in seen[2]  # a constant default does not (PostgreSQL 11+)
    seen = _verify(
        tmp_path / "c.sql",
        "CREATE INDEX ix_orders__note ON orders (note);\n"
        "ALTER TABLE orders ADD CONSTRAINT fk_nowhere FOREIGN KEY (customer_id)\n"
        "    REFERENCES nowhere (id);\n",
        shop,
    )
    assert seen[1]["verify-locks"] == 'took: ShareLock on "public.orders" (blocks writes)'
    assert "verify-rewrite" not in seen[1]
    assert "SQLSTATE 42P01" in seen[2]["verify-failed"]
    assert 'relation "nowhere" does not exist' in seen[2]["verify-failed"]
    # everything was rolled back
    with psycopg.connect(shop) as conn:
        cols = {
            r[0]
            for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'orders'::regclass"
            )
        }
        assert "public_id" not in cols
        assert conn.execute("SELECT to_regclass('ix_orders__note')").fetchone() == (None,)
        typ = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'orders'::regclass AND attname = 'quantity'"
        )
        assert typ.fetchone() == ("integer",)


def test_verify_concurrently_runs_in_a_scratch_copy(
    pg_server: Any, shop: str, tmp_path: Path
) -> None:
    import psycopg

    m = tmp_path / "0004_index.sql"
    m.write_text("CREATE INDEX CONCURRENTLY ix_orders__note_cc ON orders (note);\n")
    found = _json("verify", str(m), "--dsn", shop)
    assert not [f for f in found if f["rule"] in ("verify-failed", "verify-skipped")]
    locks = " ".join(f["message"] for f in found if f["rule"] == "verify-locks")
    assert "ShareLock" not in locks and "AccessExclusiveLock" not in locks
    assert "verify-rewrite" not in {f["rule"] for f in found}
    with psycopg.connect(pg_server.dsn("postgres")) as conn:
        assert conn.execute("SELECT to_regclass('ix_orders__note_cc')").fetchone() == (None,)
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgarch_scratch_%'"
        ).fetchone()
        assert left == (0,)


def test_verify_names_the_locks_of_dropped_and_renamed_relations(shop: str, tmp_path: Path) -> None:
    """Locks are mapped to names from before the statement: a DROP or RENAME reports the
    relation the user wrote (it used to report nothing)."""
    seen = _verify(tmp_path / "d.sql", "DROP TABLE documents;\n", shop)
    assert seen[1]["verify-locks"].startswith('took: AccessExclusiveLock on "public.documents"')
    seen = _verify(tmp_path / "r.sql", "ALTER TABLE documents RENAME TO notes;\n", shop)
    assert seen[1]["verify-locks"].startswith('took: AccessExclusiveLock on "public.documents"')
    seen = _verify(tmp_path / "i.sql", "DROP INDEX ix_orders__status;\n", shop)
    assert 'AccessExclusiveLock on "public.orders"' in seen[1]["verify-locks"]


def test_verify_says_what_truncate_does(shop: str, tmp_path: Path) -> None:
    seen = _verify(tmp_path / "t.sql", "TRUNCATE documents;\n", shop)
    msg = seen[1]["verify-rewrite"]
    assert msg.startswith('emptied "public.documents": TRUNCATE gave it a new, empty relation')
    assert "every row was copied" not in msg


def test_database_name_guard_matches_whole_parts() -> None:
    from pgarch_lint.live.verify import _allowed

    for ok in ("app_test", "ci_db", "scratch_1", "shop-dev", "test", "my.tests"):
        assert _allowed(ok, None), ok
    for refused in ("pricing", "financial", "latest", "devices", "contest", "prod", "postgres"):
        assert not _allowed(refused, None), refused
    assert _allowed("pricing", "^pricing$") and not _allowed("prod", "^pricing$")


def test_verify_refuses_databases_not_allowed(pg_server: Any, shop: str, tmp_path: Path) -> None:
    m = tmp_path / "m.sql"
    m.write_text("DROP TABLE orders;\n")
    code, _out, err = _run("verify", str(m), "--dsn", pg_server.dsn("postgres"))
    assert code == 2 and 'refusing to verify against database "postgres"' in err
    code, _out, err = _run("verify", str(m), "--dsn", shop, "--allow-db", "^prod$")
    assert code == 2 and "--allow-db" in err


def test_explain_reports_seq_scans_on_large_tables(shop: str, tmp_path: Path) -> None:
    q = tmp_path / "queries.sql"
    q.write_text(
        "-- name: OrdersByNote :many\n"
        "SELECT id, amount FROM orders WHERE note = sqlc.arg(note) AND amount > @min_amount;\n"
        "\n"
        "-- name: OrderById :one\n"
        "SELECT id FROM orders WHERE id = $1;\n"
        "\n"
        "-- name: DeleteByNote :exec\n"
        "DELETE FROM orders WHERE note = $1;\n"
    )
    found = [
        f
        for f in _json("check", str(q), "--dsn", shop, "--explain", "--min-table-size", "1MB")
        if f["rule"] == "seq-scan-on-large-table"
    ]
    assert sorted(f["line"] for f in found) == [2, 8]
    assert "ix_orders__note" in found[0]["message"] and "Filter" in found[0]["message"]
    # below the threshold: silent; without --explain: silent
    assert not [
        f
        for f in _json("check", str(q), "--dsn", shop, "--explain", "--min-table-size", "1GB")
        if f["rule"] == "seq-scan-on-large-table"
    ]
    assert not [
        f for f in _json("check", str(q), "--dsn", shop) if f["rule"] == "seq-scan-on-large-table"
    ]
    # ANALYZE runs the DELETE, inside a transaction that is rolled back
    _json("check", str(q), "--dsn", shop, "--explain-analyze", "--min-table-size", "1MB")
    import psycopg

    with psycopg.connect(shop) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (40000,)


def test_explain_skips_one_off_statements_of_a_migration(shop: str, tmp_path: Path) -> None:
    m = tmp_path / "0004_backfill.sql"
    m.write_text(
        "ALTER TABLE orders ADD COLUMN IF NOT EXISTS source text;\n"
        "UPDATE orders SET note = 'n/a' WHERE note = 'note 7';\n"
        "SELECT id FROM orders WHERE note = $1;\n"
    )
    found = [
        f
        for f in _json("check", str(m), "--dsn", shop, "--explain", "--min-table-size", "1MB")
        if f["rule"] == "seq-scan-on-large-table"
    ]
    # the backfill runs once; the statement with a bind parameter is an application query
    assert [f["line"] for f in found] == [3], found


def test_static_and_live_catalogs_agree(shop: str) -> None:
    from pgarch_lint.config import Settings
    from pgarch_lint.engine import Engine, FileInput
    from pgarch_lint.live.checkmode import read_snapshot, snapshot_inputs

    static = Engine(Settings(), [])
    static.run([FileInput("schema.sql", SCHEMA.encode())])
    inputs, catalog = snapshot_inputs(read_snapshot(shop), context=False)
    live = Engine(Settings(), [], catalog)
    live.run(inputs)

    def shape(cat: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for t in cat.tables():
            out[t.qualified] = {
                "columns": {c.name: (c.type, c.not_null, c.identity) for c in t.columns.values()},
                "pk": t.primary_key.columns if t.primary_key else None,
                "constraints": sorted(
                    (
                        c.name,
                        c.kind,
                        tuple(c.columns),
                        c.ref_table,
                        tuple(c.ref_columns),
                        c.on_delete,
                    )
                    for c in t.constraints.values()
                ),
                "indexes": sorted(
                    (
                        ix.name,
                        ix.method,
                        tuple(ix.columns),
                        ix.unique,
                        ix.primary,
                        ix.predicate is not None,
                    )
                    for ix in t.indexes.values()
                    if ix.name != "ux_customers__tenant_id"
                ),  # the invalid one: only live
                "partition": (t.partitioned, t.partition_key, t.partition_of),
                "rls": (t.rls_enabled, t.rls_forced, sorted(t.policies)),
            }
        return out

    assert shape(live.catalog) == shape(static.catalog)
    assert {v.qualified for v in live.catalog.views()} == {"public.v_big_orders"}
    assert live.catalog.view("public.v_big_orders").security_invoker  # type: ignore[union-attr]
    assert [t.values for t in live.catalog.types()] == [["pending", "paid", "shipped"]]
    fn = {f.name: f for f in live.catalog.functions()}
    assert fn["f_admin"].security_definer and fn["f_safe"].security_definer


def test_conventions_read_the_live_database(shop: str, tmp_path: Path) -> None:
    """`conventions --dsn`: the live schema is evidence like any context file."""
    m = tmp_path / "0004_refunds.sql"
    m.write_text("CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint);\n")
    code, out, err = _run("conventions", str(m), "--dsn", shop, "--format", "json")
    assert code == 0, err
    rows = {r["kind"]: r for r in json.loads(out)["names"]}
    alone = json.loads(_run("conventions", str(m), "--format", "json")[1])
    alone_rows = {r["kind"]: r for r in alone["names"]}
    assert alone_rows["index"]["total"] == 0
    assert rows["index"]["total"] >= 3  # the database's ix_orders__* indexes
    assert rows["primary-key"]["total"] > alone_rows["primary-key"]["total"]
    assert rows["index"]["source"] == "default"  # too few names to infer a convention
