"""Engine behaviour end to end: positions, suppressions, nested statements, state."""

from __future__ import annotations

from pgarch_lint.config import Settings
from pgarch_lint.testing import lint_sql

IDX = "require-concurrent-index-creation"


def rules_at(findings, rule=None):  # type: ignore[no-untyped-def]
    return [(f.line, f.column) for f in findings if rule is None or f.rule == rule]


def test_positions_survive_bom_crlf_and_cr() -> None:
    body = "SELECT 1;\nCREATE INDEX ix ON orders (a);\n"
    plain = rules_at(lint_sql(body, rules=[IDX]))
    assert plain == [(2, 20)]
    bom_crlf = "\ufeff" + body.replace("\n", "\r\n")
    assert rules_at(lint_sql(bom_crlf, rules=[IDX])) == plain
    assert rules_at(lint_sql(body.replace("\n", "\r"), rules=[IDX])) == plain


def test_columns_count_characters_not_bytes() -> None:
    sql = "SELECT 'ünïcødé ✓'; CREATE INDEX ix ON orders (a);\n"
    [f] = lint_sql(sql, rules=[IDX])
    assert (f.line, f.column) == (1, sql.index("orders") + 1)


def test_syntax_error_does_not_stop_linting() -> None:
    sql = "CREATE TABLE (;\nCREATE INDEX ix ON orders (a);\nSELEC 1;\nCREATE INDEX iy ON orders (b);\n"
    fs = lint_sql(sql, rules=["syntax-error", IDX])
    assert [(f.line, f.rule) for f in fs] == [
        (1, "syntax-error"),
        (2, IDX),
        (3, "syntax-error"),
        (4, IDX),
    ]
    assert fs[0].column == 14 and "syntax error" in fs[0].message


def test_psql_and_copy_blocks_do_not_break_positions() -> None:
    sql = (
        "\\set ON_ERROR_STOP on\n"
        "COPY orders (id, name) FROM stdin;\n"
        "1\tO'Brien\n"
        "\\.\n"
        "CREATE INDEX ix ON orders (:col);\n"
    )
    fs = lint_sql(sql, rules=["syntax-error", IDX])
    assert [(f.line, f.column, f.rule) for f in fs] == [(5, 20, IDX)]


def test_suppression_forms() -> None:
    sql = (
        "DROP TABLE a;  -- pgarch-lint: ignore[ban-drop-table] trailing\n"
        "-- pgarch-lint: ignore[ban-drop-table] the next statement\n"
        "DROP TABLE b;\n"
        "DROP TABLE c;\n"
        "-- pgarch-lint: ignore\n"
        "DROP TABLE d;\n"
        "-- pgarch-lint: ignore[require-lock-timeout] other rule only\n"
        "DROP TABLE e;\n"
        "DROP TABLE\n"
        "  -- pgarch-lint: ignore[ban-drop-table] inside the statement\n"
        "  f;\n"
        "-- squawk-ignore ban-drop-table\n"
        "DROP TABLE g;\n"
    )
    fs = lint_sql(sql, rules=["ban-drop-table"])
    assert [f.line for f in fs] == [4, 8]


def test_ignore_file() -> None:
    sql = "DROP TABLE a;\n-- pgarch-lint: ignore-file[ban-drop-table]\nDROP TABLE b;\n"
    assert lint_sql(sql, rules=["ban-drop-table"]) == []
    sql2 = "-- squawk-ignore-file\nDROP TABLE a;\n"
    assert lint_sql(sql2, rules=["ban-drop-table"]) == []


def test_nested_do_block_positions() -> None:
    sql = "DO $$\nBEGIN\n  CREATE INDEX ix ON orders (a);\nEND\n$$;\n"
    [f] = lint_sql(sql, rules=[IDX])
    assert (f.line, f.column) == (3, 22)


def test_execute_of_literal_is_linted() -> None:
    sql = "DO $$ BEGIN EXECUTE 'CREATE INDEX ix ON orders (a)'; END $$;\n"
    [f] = lint_sql(sql, rules=[IDX])
    assert f.column == sql.index("orders") + 1


def test_new_vs_existing_resets_per_file() -> None:
    fs = lint_sql("CREATE INDEX ix ON t (a);", rules=[IDX], context=["CREATE TABLE t (a int);"])
    assert len(fs) == 1
    assert lint_sql("CREATE TABLE t (a int);\nCREATE INDEX ix ON t (a);", rules=[IDX]) == []


def test_goose_down_section_is_not_linted() -> None:
    sql = "-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP TABLE orders;\n"
    assert lint_sql(sql, rules=["ban-drop-table"]) == []


def test_transaction_state_from_markers_and_config() -> None:
    conc = "CREATE INDEX CONCURRENTLY ix ON orders (a);\n"
    rule = "ban-concurrent-index-creation-in-transaction"
    assert lint_sql(conc, rules=[rule]) == []
    assert len(lint_sql(conc, rules=[rule], settings=Settings(assume_in_transaction=True))) == 1
    assert len(lint_sql("-- migrate:up\n" + conc, rules=[rule])) == 1
    assert lint_sql("-- migrate:up transaction:false\n" + conc, rules=[rule]) == []
    # markers say more than the global default
    no_tx = "-- +goose NO TRANSACTION\n-- +goose Up\n" + conc
    assert lint_sql(no_tx, rules=[rule], settings=Settings(assume_in_transaction=True)) == []


def test_lock_timeout_tracking() -> None:
    rule = "require-lock-timeout"
    alter = "ALTER TABLE orders ADD COLUMN a int;\n"
    assert len(lint_sql(alter, rules=[rule])) == 1
    assert lint_sql("SET lock_timeout = '2s';\n" + alter, rules=[rule]) == []
    assert lint_sql("SET LOCAL lock_timeout TO 2000;\n" + alter, rules=[rule]) == []
    assert len(lint_sql("SET lock_timeout = 0;\n" + alter, rules=[rule])) == 1
    assert (
        len(lint_sql("SET lock_timeout = '1s';\nRESET lock_timeout;\n" + alter, rules=[rule])) == 1
    )
    assert lint_sql(alter, rules=[rule], settings=Settings(lock_timeout_set_by_runner=True)) == []


def test_fingerprint_ignores_line_moves() -> None:
    a = lint_sql("DROP TABLE a;\n", rules=["ban-drop-table"])
    b = lint_sql("\n\n-- moved\nDROP   TABLE a;\n", rules=["ban-drop-table"])
    assert a[0].line != b[0].line and a[0].fingerprint == b[0].fingerprint


def test_any_bytes_never_crash() -> None:
    for data in [b"", b"\x00\x01\x02", b"\xff" * 10, b"$$", b"'", b"/*", b"\\", b"BEGIN ATOMIC"]:
        lint_sql(data.decode("latin-1"), rules=None)


def test_squawk_ignore_names_are_translated() -> None:
    sql = "-- squawk-ignore prefer-timestamp-tz\nCREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n"
    assert lint_sql(sql, rules=["prefer-timestamptz"]) == []
    assert len(lint_sql(sql.split("\n", 1)[1], rules=["prefer-timestamptz"])) == 1
    # a squawk-only rule name is not judged by unused-suppression (squawk may still use it)
    sql2 = "-- squawk-ignore require-table-schema\nSELECT 1;\n"
    assert lint_sql(sql2, rules=["unused-suppression"]) == []


def test_drop_index_findings_name_the_table_of_the_index() -> None:
    ctx = [
        "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n"
        "CREATE INDEX ix_orders__status ON orders (status);\n"
    ]
    [f] = lint_sql("DROP INDEX ix_orders__status;\n", rules=["require-lock-timeout"], context=ctx)
    assert 'ACCESS EXCLUSIVE lock on existing table "orders"' in f.message
    [f] = lint_sql("DROP INDEX ix_unknown;\n", rules=["require-statement-timeout"])
    assert 'lock on the table of index "ix_unknown"' in f.message
    # IF EXISTS of an index the history does not have: a no-op, no rule has anything to say
    assert lint_sql("DROP INDEX IF EXISTS ix_orders__gone;\n", rules=["all"], context=ctx) == []


def test_create_table_that_does_not_parse_still_creates_a_new_table() -> None:
    sql = (
        "CREATE TABLE widgets (id bigint $%AUTO_INCREMENT%$ PRIMARY KEY, name text);\n"
        "CREATE INDEX ix_widgets__name ON widgets (name);\n"
        "ALTER TABLE widgets ADD COLUMN code int NOT NULL;\n"
        "SELECT w.name FROM widgets w WHERE w.id = $1;\n"
    )
    fs = lint_sql(sql, rules=["all"])
    # the table is new (no lock, no index or NOT NULL finding on it) and its columns unknown
    # (no query finding on them); only rules that do not look at the table say anything else
    others = ("missing-comment", "prefer-robust-stmts", "require-table-schema")
    assert [(f.line, f.rule) for f in fs if f.rule not in others] == [(1, "syntax-error")]


def _unit_run(names_sql: list[tuple[str, str]], unit: str | None) -> list[tuple[str, int, str]]:
    from pgarch_lint.config import select_rules
    from pgarch_lint.engine import Engine, FileInput
    from pgarch_lint.registry import load_rules

    settings = Settings(migration_unit=unit)
    settings.select = (IDX, "require-lock-timeout")
    files = [
        FileInput(f"migrations/{n}", s.encode(), False, f"migrations/{n}") for n, s in names_sql
    ]
    report = Engine(settings, select_rules(load_rules(), settings)).run(files)
    return [(f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in report.findings]


def test_migration_unit_spreads_new_tables_over_the_files_of_a_release() -> None:
    # ory/popx style: one release written as several files sharing a 14-digit prefix
    history = [
        ("20201110175414000000_networks.up.sql", "CREATE TABLE networks (id uuid PRIMARY KEY);"),
        ("20210623162417000000_tuples.up.sql", "CREATE TABLE tuples (nid uuid, object text);"),
        ("20210623162417000001_tuples.up.sql", "CREATE INDEX ix_t__nid ON tuples (nid);"),
        ("20210623162417000002_tuples.up.sql", "CREATE INDEX ix_t__object ON tuples (object);"),
        ("20220512151000000000_indices.up.sql", "CREATE INDEX ix_t__both ON tuples (nid, object);"),
        ("notes.sql", "CREATE INDEX ix_networks__id ON networks (id);"),
    ]
    unit = r"^(\d{14})\d{6}_"
    assert _unit_run(history, unit) == [
        ("20220512151000000000_indices.up.sql", 1, IDX),  # the next release: existing
        ("20220512151000000000_indices.up.sql", 1, "require-lock-timeout"),
        ("notes.sql", 1, IDX),  # no match: a unit of its own
        ("notes.sql", 1, "require-lock-timeout"),
    ]
    # without the setting each file is its own unit
    assert [(n[:22], r) for n, _, r in _unit_run(history, None) if r == IDX] == [
        ("20210623162417000001_t", IDX),
        ("20210623162417000002_t", IDX),
        ("20220512151000000000_i", IDX),
        ("notes.sql", IDX),
    ]


def test_files_without_per_file_ignores_share_one_empty_set() -> None:
    """A long history keeps one set of ignored rules per file: without ``per-file-ignores``
    it is one shared object (``frozenset()`` makes a new one each call)."""
    from pgarch_lint.config import ignored_for_path

    plain = Settings()
    assert ignored_for_path("V1__a.sql", plain) is ignored_for_path("V2__b.sql", plain)
    assert ignored_for_path("V1__a.sql", plain) == frozenset()
    some = Settings(per_file_ignores={"legacy/*.sql": ["ban-drop-table"]})
    assert ignored_for_path("legacy/V1.sql", some) == {"ban-drop-table"}
    assert ignored_for_path("V1.sql", some) == frozenset()
