"""`pgarch-lint plan`: the lock plan of a migration, end to end.

Static: locks, blocked operations, work, transactions and the windows during which a table
cannot be written, in the three formats. Live (the ``pg_server`` fixture): the plan's locks
agree with what ``verify`` observes in ``pg_locks`` for representative statements (one lock
table drives both: pgarch_lint/locks.py), and ``--dsn`` adds sizes and duration ranges.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.locks import LockMode
from pgarch_lint.plan.model import blocks

HISTORY = """
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    quantity integer NOT NULL,
    note text
);
CREATE INDEX ix_orders__quantity ON orders (quantity);
"""


def _plan(tmp_path: Path, text: str, *extra: str) -> dict[str, Any]:
    (tmp_path / "history.sql").write_text(HISTORY)
    m = tmp_path / "m.sql"
    m.write_text(text)
    r = CliRunner().invoke(
        main,
        ["plan", str(m), "--context", str(tmp_path / "history.sql"), "--format", "json", *extra],
    )
    assert r.exit_code == 0, r.output
    data: dict[str, Any] = json.loads(r.output)
    return data


def test_blocks_reads_the_conflict_table() -> None:
    assert blocks(LockMode.ACCESS_EXCLUSIVE) == ("reads", "writes")
    assert blocks(LockMode.SHARE) == ("writes",)
    assert blocks(LockMode.SHARE_ROW_EXCLUSIVE) == ("writes",)
    assert blocks(LockMode.EXCLUSIVE) == ("writes", "SELECT FOR UPDATE")
    assert blocks(LockMode.SHARE_UPDATE_EXCLUSIVE) == ("VACUUM", "schema changes")
    assert blocks(LockMode.ACCESS_SHARE) == ("schema changes",)


def test_plan_json_statements_locks_work_and_windows(tmp_path: Path) -> None:
    data = _plan(
        tmp_path,
        "SET lock_timeout = '5s';\n"
        "BEGIN;\n"
        "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n"
        "ALTER TABLE orders ADD CONSTRAINT fk_orders__customers FOREIGN KEY (customer_id)\n"
        "    REFERENCES customers (id);\n"
        "COMMIT;\n"
        "CREATE INDEX CONCURRENTLY ix_orders__note ON orders (note);\n"
        "ALTER TABLE customers ALTER COLUMN email TYPE varchar(200);\n",
    )
    assert data["format_version"] == 1 and data["live"] is False
    (f,) = data["files"]
    st = {s["line"]: s for s in f["statements"]}
    assert st[1]["locks"] == [] and st[1]["kind"] == "VariableSetStmt"
    # a volatile default rewrites the table under ACCESS EXCLUSIVE, held until COMMIT
    add = st[3]
    assert add["transaction"] == "explicit" and add["transaction_line"] == 2
    assert [(lk["relation"], lk["mode"], lk["blocks"]) for lk in add["locks"]] == [
        ("orders", "ACCESS EXCLUSIVE", ["reads", "writes"])
    ]
    assert add["work"][0]["kind"] == "rewrite" and "gen_random_uuid" in add["work"][0]["detail"]
    assert add["held_until"] == "COMMIT at line 6" and add["lock_timeout"] is True
    # the foreign key: both tables, SHARE ROW EXCLUSIVE; a scan of each
    fk = st[4]
    assert {(lk["relation"], lk["mode"]) for lk in fk["locks"]} == {
        ("orders", "SHARE ROW EXCLUSIVE"),
        ("customers", "SHARE ROW EXCLUSIVE"),
    }
    assert {(w["kind"], w["table"]) for w in fk["work"]} == {
        ("scan", "orders"),
        ("scan", "customers"),
    }
    assert [lk["relation"] for lk in fk["held_after"]] == ["orders", "customers"]
    # outside the transaction: released at the statement's end
    conc = st[7]
    assert conc["transaction"] == "none" and conc["held_until"] == "statement end"
    assert conc["locks"][0]["concurrent"] is True and conc["locks"][0]["blocks"][0] == "VACUUM"
    assert st[8]["work"][0]["kind"] == "rewrite"  # text -> varchar(200) is not binary coercible
    summary = f["summary"]
    assert summary["strongest_lock"] == "ACCESS EXCLUSIVE"
    assert summary["strongest_on"] == ["orders", "customers"]
    longest = summary["longest_write_block"]
    assert (longest["table"], longest["start_line"], longest["end_line"]) == ("public.orders", 3, 6)
    assert longest["statements"] == 2 and longest["lock_timeout"] is True
    assert longest["statement_timeout"] is False
    assert "rewrite of orders" in longest["work"]


def test_plan_runner_transaction_and_catalog_only_changes(tmp_path: Path) -> None:
    data = _plan(
        tmp_path,
        "-- +goose Up\n"
        "ALTER TABLE orders ADD COLUMN shipped boolean NOT NULL DEFAULT false;\n"
        "ALTER TABLE orders ALTER COLUMN note TYPE text;\n"
        "CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\n"
        "ALTER TABLE refunds ADD COLUMN reason text NOT NULL;\n",
    )
    steps = data["files"][0]["statements"]
    assert [s["transaction"] for s in steps] == ["runner"] * 4
    assert {s["held_until"] for s in steps} == {"end of file (the runner commits)"}
    assert steps[0]["work"][0]["kind"] == "catalog"  # a constant default: no rewrite
    assert steps[1]["work"][0]["kind"] == "catalog"  # same type
    assert steps[3]["locks"][0]["existing"] is False  # refunds is new: nobody waits
    window = data["files"][0]["summary"]["longest_read_block"]
    assert (window["start_line"], window["end_line"], window["statements"]) == (2, 5, 4)


def test_plan_text_and_markdown(tmp_path: Path) -> None:
    (tmp_path / "history.sql").write_text(HISTORY)
    m = tmp_path / "m.sql"
    m.write_text(
        "ALTER TABLE orders ALTER COLUMN quantity SET NOT NULL;\nDROP INDEX ix_orders__quantity;\n"
    )
    args = ["plan", str(m), "--context", str(tmp_path / "history.sql")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "ACCESS EXCLUSIVE orders" in r.output and "scan orders" in r.output
    assert "strongest lock: ACCESS EXCLUSIVE on orders" in r.output
    assert "no lock_timeout: the wait is unbounded" in r.output
    r = CliRunner().invoke(
        main, [*args, "--format", "markdown", "--output", str(tmp_path / "p.md")]
    )
    assert r.exit_code == 0, r.output
    md = (tmp_path / "p.md").read_text()
    assert md.startswith("## Lock plan\n")
    assert "| line | statement | locks | blocks | work | held until | holding after it |" in md
    assert "| 2 | `DROP INDEX ix_orders__quantity` | ACCESS EXCLUSIVE orders" in md


# --- against PostgreSQL ------------------------------------------------------------------------

LIVE_SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    quantity integer NOT NULL,
    note text,
    CONSTRAINT ck_orders__quantity CHECK (quantity > 0) NOT VALID
);
CREATE INDEX ix_orders__quantity ON orders (quantity);
CREATE TABLE documents (id bigint PRIMARY KEY, body text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;
INSERT INTO orders SELECT g, 1 + g % 100, 1 + g % 5, 'n' FROM generate_series(1, 5000) g;
"""

#: statements whose locks plan predicts and verify observes (one verify run each)
REPRESENTATIVE = [
    "ALTER TABLE orders ADD COLUMN note2 text",
    "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid()",
    "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint",
    "ALTER TABLE orders ALTER COLUMN note SET NOT NULL",
    "CREATE INDEX ix_orders__note ON orders (note)",
    "ALTER TABLE orders ADD CONSTRAINT fk_orders__customers FOREIGN KEY (customer_id)"
    " REFERENCES customers (id) NOT VALID",
    "ALTER TABLE orders VALIDATE CONSTRAINT ck_orders__quantity",
    "ALTER TABLE orders SET (fillfactor = 70)",
    "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
    "COMMENT ON TABLE orders IS 'Checkouts'",
    "DROP INDEX ix_orders__quantity",
    "LOCK TABLE customers IN SHARE MODE",
    "REINDEX TABLE orders",
    "CREATE POLICY p_docs ON documents USING (true)",
    "TRUNCATE documents",
    "CLUSTER orders USING orders_pkey",
]


def _pg_name(label: str) -> str:
    return "".join(w.capitalize() for w in label.split()) + "Lock"


@pytest.fixture(scope="module")
def plan_db(pg_server: Any) -> str:
    import psycopg

    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS plan_test")
        admin.execute("CREATE DATABASE plan_test")
    dsn: str = pg_server.dsn("plan_test")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(LIVE_SCHEMA)  # type: ignore[call-overload]
        conn.execute("ANALYZE")
    return dsn


@pytest.mark.parametrize("stmt", REPRESENTATIVE)
def test_plan_locks_agree_with_what_verify_observes(
    plan_db: str, stmt: str, tmp_path: Path
) -> None:
    m = tmp_path / "m.sql"
    m.write_text(stmt + ";\n")
    r = CliRunner().invoke(main, ["plan", str(m), "--dsn", plan_db, "--format", "json"])
    assert r.exit_code == 0, r.output
    (step,) = json.loads(r.output)["files"][0]["statements"]
    planned: dict[str, str] = {}
    for lk in step["locks"]:
        name = lk["qualified"]
        if lk["existing"] and (
            name not in planned
            or LockMode[lk["mode"].replace(" ", "_")] > LockMode[planned[name].replace(" ", "_")]
        ):
            planned[name] = lk["mode"]
    r = CliRunner().invoke(main, ["verify", str(m), "--dsn", plan_db, "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    found = json.loads(r.stdout)["findings"]
    assert not [f for f in found if f["rule"] == "verify-failed"], found
    seen = {
        name: mode
        for f in found
        if f["rule"] == "verify-locks"
        for mode, name in re.findall(r'(\w+Lock) on "([^"]+)"', f["message"])
    }
    assert {n: _pg_name(m) for n, m in planned.items()} == seen, (step["locks"], found)
    rewrote = any(f["rule"] == "verify-rewrite" and "rewrote" in f["message"] for f in found)
    assert rewrote == any(w["kind"] == "rewrite" for w in step["work"]), (step["work"], found)


def test_plan_dsn_gives_sizes_and_estimates(plan_db: str, tmp_path: Path) -> None:
    m = tmp_path / "m.sql"
    m.write_text("ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;\n")
    r = CliRunner().invoke(main, ["plan", str(m), "--dsn", plan_db, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["live"] is True
    (step,) = data["files"][0]["statements"]
    assert "rows" in step["locks"][0]["size"]
    work = step["work"][0]
    assert work["size_bytes"] > 0
    fast, slow = work["estimate_seconds"]
    assert 0 < fast < slow
    r = CliRunner().invoke(main, ["plan", str(m), "--dsn", plan_db])
    assert "rough ranges from relation sizes" in r.output
    assert "postgres" not in r.output.split("\n", 1)[0] or "@" not in r.output  # no DSN echoed
