"""The query-review rules on real query files: the example queries against the multi-tenant
example schema, and hatchet's sqlc queries against hatchet's schema (skipped when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgarch_lint.config import Settings, Tenancy, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import load_rules
from pgarch_lint.testing import expected, lint_sql

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
QUERY_RULES = (
    "select-star",
    "not-in-subquery",
    "leading-wildcard-like",
    "between-timestamps",
    "offset-pagination",
    "insert-without-column-list",
    "implicit-cross-join",
    "order-by-random",
    "comparison-to-null",
    "query-without-partition-key",
    "missing-index-for-query",
)


def _run(settings: Settings, context: list[Path], checked: list[Path]) -> list[Finding]:
    rules = select_rules(load_rules(), settings)
    files = [FileInput(str(p), p.read_bytes(), True) for p in context]
    files += [FileInput(str(p), p.read_bytes()) for p in checked]
    return Engine(settings, rules).run(files).findings


def test_example_queries_need_exactly_the_marked_index() -> None:
    schema = sorted((EXAMPLES / "multitenant").glob("*.sql"))
    if not schema:
        pytest.skip("examples/multitenant is absent")
    queries = EXAMPLES / "queries.sql"
    findings = _run(Settings(), schema, [queries])  # the default rule set, as the CLI runs it
    want = expected(queries.read_text(encoding="utf-8"))
    assert list(want.values()) == [1] and next(iter(want))[1] == "missing-index-for-query"
    got = [(f.line, f.rule) for f in findings]
    assert got == list(want), "\n".join(f"{f.line}: {f.rule}: {f.message}" for f in findings)
    assert "CREATE INDEX CONCURRENTLY ix_files__" in findings[0].help


def test_query_rules_run_inside_views_and_functions_not_on_one_off_dml() -> None:
    schema = """
    CREATE TABLE files (id bigint PRIMARY KEY, project_id bigint NOT NULL, name text NOT NULL);
    """
    body = """
    CREATE VIEW named AS SELECT id FROM files WHERE name = 'x';
    CREATE FUNCTION by_name(n text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE files SET name = upper(name) WHERE project_id = n::bigint;
    END $$;
    UPDATE files SET name = lower(name) WHERE name = 'Y';
    DO $$ BEGIN DELETE FROM files WHERE name = 'tmp'; END $$;
    CREATE TABLE old_files AS SELECT id FROM files WHERE project_id = 7;
    CREATE MATERIALIZED VIEW project_7 AS SELECT id FROM files WHERE project_id = 7;
    ALTER TABLE files ENABLE ROW LEVEL SECURITY;
    CREATE POLICY p ON files USING (EXISTS (SELECT 1 FROM files f WHERE f.name = 'x'));
    SELECT id FROM files WHERE name = $1;
    """
    found = lint_sql(body, rules=["missing-index-for-query"], context=[schema])
    # 2: a view; 5: a function body; 10: a materialized view; 12: a policy; 13: a statement
    # with a bind parameter (an application query). Not 7 (a backfill), 8 (a DO block) nor
    # 9 (CREATE TABLE AS): they run once, when the migration is applied.
    assert [f.line for f in found] == [2, 5, 10, 12, 13], found


def test_one_off_dml_is_reviewed_in_a_query_file() -> None:
    schema = """
    CREATE TABLE files (id bigint PRIMARY KEY, project_id bigint NOT NULL, name text NOT NULL);
    """
    body = "UPDATE files SET name = lower(name) WHERE name = 'Y';\n"
    rules = ["missing-index-for-query"]
    assert [f.line for f in lint_sql(body, rules=rules, context=[schema], path="queries.sql")] == [
        1
    ]
    for path in (
        "migration.sql",
        "db/migrations/backfill.sql",
        "0042_backfill.sql",
        "20240307185725_backfill.up.sql",
        "db/migrate/fix.sql",
    ):
        assert not lint_sql(body, rules=rules, context=[schema], path=path), path


def test_messages_name_the_sqlc_query() -> None:
    sql = "-- name: FindFile :one\nSELECT * FROM files WHERE name = NULL;\n"
    found = lint_sql(sql, rules=list(QUERY_RULES), path="queries/files.sql")
    assert {f.rule for f in found} == {"select-star", "comparison-to-null"}
    assert all(f.message.startswith("query FindFile: ") for f in found), found


def test_hatchet_sqlc_queries() -> None:
    schema_dir = CORPUS / "hatchet" / "sql" / "schema"
    queries_dir = CORPUS / "hatchet_sqlc_queries"
    if not schema_dir.is_dir() or not queries_dir.is_dir():
        pytest.skip("hatchet corpus is absent")
    settings = Settings(select=QUERY_RULES, tenancy=Tenancy(("tenant_id", "tenantId")))
    queries = sorted(queries_dir.rglob("*.sql"))
    findings = _run(settings, sorted(schema_dir.glob("*.sql")), queries)  # no InternalError
    assert findings
    names: dict[str, set[str]] = {}
    for p in queries:
        names[str(p)] = set(re.findall(r"--\s*name:\s*(\w+)", p.read_text(encoding="utf-8")))
    for f in findings:
        m = re.match(r"query (\w+): ", f.message)
        assert m is not None, f
        assert m.group(1) in names[f.path], f
    rules = {f.rule for f in findings}
    assert {"missing-index-for-query", "query-without-partition-key", "select-star"} <= rules


@pytest.mark.parametrize(
    ("path", "migration"),
    [
        ("prisma/migrations/20240307185725_backfill_score_source/migration.sql", True),
        ("migration.sql", True),
        ("db/migrate/fix_status.sql", True),
        ("db/changelog/fix_status.sql", True),
        ("0042_backfill.sql", True),
        ("0002-seed.sql", True),
        ("20240101120000_backfill.sql", True),
        ("migrations/000042_backfill.up.sql", True),
        ("000042_backfill.down.sql", True),
        ("diesel/2020-01-01-000000_x/up.sql", True),
        ("C:\\app\\Migrations\\fix.sql", True),
        ("queries.sql", False),
        ("sql/queries/users.sql", False),
        ("queries/v2_users.sql", False),
        ("migrations_helper/users.sql", False),
        ("fixtures/backfill-in-migration/case.sql", False),
    ],
)
def test_migration_paths(path: str, migration: bool) -> None:
    from pgarch_lint.analysis.query_kinds import migration_path

    assert migration_path(path) is migration


@pytest.mark.parametrize(
    ("sql", "path", "reported"),
    [
        ("SELECT * FROM orders;", "queries.sql", True),  # no DDL, no migration path
        ("SELECT * FROM orders;", "migrations/fix.sql", False),  # a migration's path
        ("CREATE INDEX i ON orders (id);\nSELECT * FROM orders;", "queries.sql", False),  # DDL
        ("-- +goose Up\nSELECT * FROM orders;", "queries.sql", False),  # goose markers
        ("\\set id 1\nCREATE INDEX i ON orders (id);\nSELECT * FROM orders;", "a.sql", False),
        ("SELECT * FROM orders WHERE id = :id;", "queries.sql", True),  # a named parameter
        ("SELECT * FROM orders WHERE id = $1;", "migrations/fix.sql", True),  # bind parameter
        ("-- name: Get :one\nSELECT * FROM orders;", "migrations/get.sql", True),  # sqlc
    ],
)
def test_query_file_or_migration(sql: str, path: str, reported: bool) -> None:
    found = lint_sql(sql, rules=["select-star"], path=path)
    assert bool(found) is reported, found
