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


def test_comment_on_locks_the_relation_it_names() -> None:
    cat = history(ORDERS + "\nCREATE VIEW open_orders AS SELECT * FROM orders;")
    sue = "SHARE_UPDATE_EXCLUSIVE"
    assert locks("COMMENT ON TABLE orders IS 'x'", cat) == [("orders", sue, True, None)]
    assert locks("COMMENT ON COLUMN app.jobs.state IS NULL", cat) == [("app.jobs", sue, True, None)]
    assert locks("COMMENT ON VIEW open_orders IS 'x'", cat) == [("open_orders", sue, True, None)]
    assert locks("COMMENT ON SEQUENCE orders_id_seq IS 'x'", cat) == [
        ("orders_id_seq", sue, True, None)
    ]
    # an index: the lock is on the index, named through its table
    assert locks("COMMENT ON INDEX ix_orders__status IS 'x'", cat) == [
        ("orders", sue, True, "ix_orders__status")
    ]
    # a constraint, trigger, policy or rule: ACCESS SHARE on the table
    for kind in ("CONSTRAINT", "TRIGGER", "POLICY", "RULE"):
        assert locks(f"COMMENT ON {kind} x ON app.jobs IS 'x'", cat) == [
            ("app.jobs", "ACCESS_SHARE", True, None)
        ]
    # other objects lock no relation
    for obj in ("FUNCTION f()", "SCHEMA app", "TYPE mood", "CONSTRAINT c ON DOMAIN d"):
        assert locks(f"COMMENT ON {obj} IS 'x'", cat) == []


def test_comment_on_objects_new_in_the_file() -> None:
    cat = Catalog()
    cat.begin_file("x.sql", context=False)
    for raw in parse_sql("CREATE TABLE s (id int, c text); CREATE TYPE pair AS (a int, b int)"):
        assert raw.stmt is not None
        cat.apply(raw.stmt, Loc("x.sql", 0, 1))
    assert locks("COMMENT ON COLUMN s.c IS 'x'", cat) == [
        ("s", "SHARE_UPDATE_EXCLUSIVE", False, None)
    ]
    assert locks("COMMENT ON COLUMN pair.a IS 'x'", cat) == []  # a composite type's attribute


def _flags(sql: str, cat: Catalog) -> list[tuple[str, bool, bool, str | None]]:
    [raw] = parse_sql(sql)
    return [(lk.mode.name, lk.waits, lk.concurrent, lk.group) for lk in locks_of(raw.stmt, cat)]


def test_lock_nowait_takes_without_waiting() -> None:
    cat = history(ORDERS)
    assert _flags("LOCK TABLE orders IN ROW EXCLUSIVE MODE NOWAIT", cat) == [
        ("ROW_EXCLUSIVE", False, False, None)
    ]
    assert _flags("LOCK orders", cat) == [("ACCESS_EXCLUSIVE", True, False, None)]


def test_reindex_reads_the_concurrently_option() -> None:
    cat = history(ORDERS)
    assert _flags("REINDEX (CONCURRENTLY false) TABLE orders", cat) == [
        ("SHARE", True, False, None)
    ]
    assert _flags("REINDEX (CONCURRENTLY off) INDEX ix_orders__status", cat) == [
        ("ACCESS_EXCLUSIVE", True, False, None)
    ]
    assert _flags("REINDEX (CONCURRENTLY) TABLE orders", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, None)
    ]
    assert _flags("REINDEX INDEX CONCURRENTLY ix_orders__status", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, None)
    ]


def test_reindex_schema_and_database_lock_a_group_of_tables() -> None:
    cat = history(ORDERS)
    cat.apply(parse_sql("CREATE SCHEMA fresh")[0].stmt, Loc("002.sql", 0, 1))
    [raw] = parse_sql("REINDEX SCHEMA app")
    [lk] = locks_of(raw.stmt, cat)
    assert (lk.mode, lk.existing, lk.subject) == (
        LockMode.SHARE,
        True,
        'every table of schema "app"',
    )
    [raw] = parse_sql("REINDEX SCHEMA fresh")
    assert [lk.existing for lk in locks_of(raw.stmt, cat)] == [False]
    assert _flags("REINDEX DATABASE app", cat) == [
        ("SHARE", True, False, "every table of the database")
    ]
    assert _flags("REINDEX SYSTEM", cat) == [("SHARE", True, False, "every system catalog")]
    assert _flags("REINDEX SCHEMA CONCURRENTLY app", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, 'every table of schema "app"')
    ]


def test_concurrent_forms_are_marked() -> None:
    cat = history(ORDERS)
    assert _flags("CREATE INDEX CONCURRENTLY ix ON orders (id)", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, None)
    ]
    assert _flags("DROP INDEX CONCURRENTLY ix_orders__status", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, None)
    ]
    assert _flags("ALTER TABLE orders DETACH PARTITION orders_2020 CONCURRENTLY", cat) == [
        ("SHARE_UPDATE_EXCLUSIVE", True, True, None)
    ]
    assert _flags("ALTER TABLE orders DETACH PARTITION orders_2020", cat) == [
        ("ACCESS_EXCLUSIVE", True, False, None)
    ]


def test_conflicts_follow_postgresql_table() -> None:
    # symmetric, and each mode's set grows with its strength except SHARE (self-compatible)
    for a in LockMode:
        for b in LockMode:
            assert (b in a.conflicts) == (a in b.conflicts)
    assert LockMode.SHARE not in LockMode.SHARE.conflicts
    assert LockMode.SHARE_UPDATE_EXCLUSIVE in LockMode.SHARE_UPDATE_EXCLUSIVE.conflicts
    assert LockMode.ACCESS_SHARE.conflicts == {LockMode.ACCESS_EXCLUSIVE}
    assert LockMode.ACCESS_EXCLUSIVE.conflicts == set(LockMode)


def test_held_already() -> None:
    ae = LockTaken("public.orders", LockMode.ACCESS_EXCLUSIVE, True)
    share = LockTaken("orders", LockMode.SHARE, True)
    sue = LockTaken("orders", LockMode.SHARE_UPDATE_EXCLUSIVE, True)
    other = LockTaken("invoices", LockMode.ACCESS_SHARE, True)
    assert sue.held_already([ae])  # ACCESS EXCLUSIVE covers every mode
    assert share.held_already([share])
    # another session's SHARE is compatible with ours and blocks SHARE UPDATE EXCLUSIVE
    assert not sue.held_already([share])
    assert not other.held_already([ae])
    assert not LockTaken("app.orders", LockMode.SHARE, True).held_already(
        [LockTaken("public.orders", LockMode.ACCESS_EXCLUSIVE, True)]
    )
    assert LockTaken(None, LockMode.SHARE, True, index="ix").held_already(
        [LockTaken(None, LockMode.ACCESS_EXCLUSIVE, True, index="ix")]
    )
    assert not sue.held_already([])
