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

ROOT = Path(__file__).resolve().parent.parent
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


def test_query_rules_run_inside_views_functions_and_migrations() -> None:
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
    """
    found = lint_sql(body, rules=["missing-index-for-query"], context=[schema])
    assert [f.line for f in found] == [2, 5, 7], found


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
