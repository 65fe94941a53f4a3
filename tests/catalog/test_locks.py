"""The lock table (pgarch_lint/locks.py): what each statement locks, and how findings name it."""

from __future__ import annotations

from pglast import parse_sql

from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.locks import LockMode, LockTaken, locks_of


def history(sql: str, *, path: str = "001.sql", context: bool = True) -> Catalog:
    cat = Catalog()
    cat.begin_file(path, context=context)
    for raw in parse_sql(sql):
        assert raw.stmt is not None
        cat.apply(raw.stmt, Loc(path, 0, 1))
    cat.begin_file("002.sql", context=False)
    return cat


def locks(
    sql: str, cat: Catalog, pg_version: int = 17
) -> list[tuple[str | None, str, bool, str | None]]:
    [raw] = parse_sql(sql)
    return [
        (lk.table, lk.mode.name, lk.existing, lk.index)
        for lk in locks_of(raw.stmt, cat, pg_version)
    ]


ORDERS = """CREATE TABLE orders (id bigint PRIMARY KEY, status text);
CREATE INDEX ix_orders__status ON orders (status);
CREATE SCHEMA app;
CREATE TABLE app.jobs (id bigint PRIMARY KEY, state text);
CREATE INDEX ix_jobs__state ON app.jobs (state);"""


def test_drop_index_locks_the_index_table() -> None:
    cat = history(ORDERS)
    assert locks("DROP INDEX ix_orders__status", cat) == [
        ("orders", "ACCESS_EXCLUSIVE", True, "ix_orders__status")
    ]
    assert locks("DROP INDEX CONCURRENTLY ix_orders__status", cat) == [
        ("orders", "SHARE_UPDATE_EXCLUSIVE", True, "ix_orders__status")
    ]
    # qualified as the index was
    assert locks("DROP INDEX app.ix_jobs__state", cat) == [
        ("app.jobs", "ACCESS_EXCLUSIVE", True, "app.ix_jobs__state")
    ]
    # an index the catalog does not know: its table is unknown, assumed existing
    assert locks("DROP INDEX ix_unknown", cat) == [(None, "ACCESS_EXCLUSIVE", True, "ix_unknown")]
    assert locks("DROP INDEX ix_orders__status, ix_unknown", cat) == [
        ("orders", "ACCESS_EXCLUSIVE", True, "ix_orders__status"),
        (None, "ACCESS_EXCLUSIVE", True, "ix_unknown"),
    ]


def test_drop_if_exists_of_an_absent_relation_takes_no_lock() -> None:
    cat = history(
        ORDERS + "\nCREATE TABLE a (id int); ALTER TABLE a RENAME TO a_old;"
        "\nDROP INDEX app.ix_jobs__state;"
    )
    assert locks("DROP INDEX IF EXISTS ix_never_created", cat) == []
    assert locks("DROP INDEX IF EXISTS app.ix_jobs__state", cat) == []  # dropped earlier
    assert locks("DROP TABLE IF EXISTS a", cat) == []  # renamed away
    assert locks("DROP TABLE IF EXISTS a, orders", cat) == [
        ("orders", "ACCESS_EXCLUSIVE", True, None)
    ]
    # without IF EXISTS the statement says the relation exists: the lock stays
    assert locks("DROP TABLE a", cat) == [("a", "ACCESS_EXCLUSIVE", True, None)]
    assert locks("DROP INDEX ix_never_created", cat) == [
        (None, "ACCESS_EXCLUSIVE", True, "ix_never_created")
    ]
    # no history: an unknown name may exist
    lone = Catalog()
    lone.begin_file("x.sql", context=False)
    assert locks("DROP INDEX IF EXISTS ix_orders__status", lone) == [
        (None, "ACCESS_EXCLUSIVE", True, "ix_orders__status")
    ]
    assert locks("DROP TABLE IF EXISTS a", lone) == [("a", "ACCESS_EXCLUSIVE", True, None)]


def test_index_of_a_table_new_in_the_file_is_not_existing() -> None:
    cat = Catalog()
    cat.begin_file("x.sql", context=False)
    for raw in parse_sql("CREATE TABLE s (id int, c text); CREATE INDEX ix_s__c ON s (c)"):
        assert raw.stmt is not None
        cat.apply(raw.stmt, Loc("x.sql", 0, 1))
    assert locks("DROP INDEX ix_s__c", cat) == [("s", "ACCESS_EXCLUSIVE", False, "ix_s__c")]
    assert locks("REINDEX INDEX ix_s__c", cat) == [("s", "ACCESS_EXCLUSIVE", False, "ix_s__c")]
    assert locks("ALTER INDEX ix_s__c SET (fillfactor = 70)", cat) == [
        ("s", "ACCESS_EXCLUSIVE", False, "ix_s__c")
    ]


def test_reindex_and_alter_index_name_the_table() -> None:
    cat = history(ORDERS)
    assert locks("REINDEX INDEX ix_orders__status", cat) == [
        ("orders", "ACCESS_EXCLUSIVE", True, "ix_orders__status")
    ]
    assert locks("ALTER INDEX app.ix_jobs__state SET TABLESPACE fast", cat) == [
        ("app.jobs", "ACCESS_EXCLUSIVE", True, "app.ix_jobs__state")
    ]
    # ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12
    assert locks("ALTER INDEX ix_orders__status RENAME TO ix_o", cat) == [
        ("orders", "SHARE_UPDATE_EXCLUSIVE", True, "ix_orders__status")
    ]
    assert locks("ALTER INDEX ix_orders__status RENAME TO ix_o", cat, pg_version=11) == [
        ("orders", "ACCESS_EXCLUSIVE", True, "ix_orders__status")
    ]


def test_a_self_reference_locks_no_other_table() -> None:
    cat = history(ORDERS)
    assert locks("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree)", cat) == []
    assert locks(
        "CREATE TABLE public.tree (id int PRIMARY KEY, parent int REFERENCES tree,"
        " o bigint REFERENCES orders)",
        cat,
    ) == [("orders", "SHARE_ROW_EXCLUSIVE", True, None)]


def test_subject_names_the_table_or_the_index() -> None:
    assert LockTaken("orders", LockMode.ACCESS_EXCLUSIVE, True).subject == 'existing table "orders"'
    assert LockTaken("s", LockMode.SHARE, False).subject == 'new table "s"'
    assert LockTaken(None, LockMode.ACCESS_EXCLUSIVE, True, None, "ix").subject == (
        'the table of index "ix"'
    )
