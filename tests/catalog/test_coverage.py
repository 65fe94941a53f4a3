"""catalog.coverage: what the replay models of a statement, and what it leaves out."""

from __future__ import annotations

import pytest

from pgarch_lint.catalog.coverage import Kind, coverage
from pgarch_lint.sql import parse_text


def cov(sql: str):  # type: ignore[no-untyped-def]
    (node,) = parse_text(sql)
    return coverage(node)


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("CREATE TABLE t (id bigint PRIMARY KEY)", Kind.MODELLED),
        ("ALTER TABLE t ADD COLUMN c text", Kind.MODELLED),
        ("COMMENT ON TABLE t IS 'x'", Kind.MODELLED),
        ("SET search_path = app", Kind.MODELLED),
        ("SELECT pg_catalog.set_config('search_path', '', false)", Kind.MODELLED),
        ("CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", Kind.SCHEMA),
        ("COMMENT ON TRIGGER tr ON t IS 'x'", Kind.SCHEMA),
        ("DROP TRIGGER tr ON t", Kind.SCHEMA),
        ("ALTER TABLE t ENABLE TRIGGER tr", Kind.SCHEMA),
        ("CREATE STATISTICS s ON a, b FROM t", Kind.SCHEMA),
        ("CREATE AGGREGATE agg (int) (sfunc = int4pl, stype = int)", Kind.SCHEMA),
        ("INSERT INTO t VALUES (1)", Kind.DATA),
        ("DO $$BEGIN NULL; END$$", Kind.DATA),
        ("SELECT setval('s', 5)", Kind.DATA),
        ("ALTER ROLE r SET search_path = app", Kind.CLUSTER),
        ("ALTER ROLE r WITH LOGIN", Kind.CLUSTER),
        ("DROP OWNED BY r", Kind.CLUSTER),
        ("BEGIN", Kind.SESSION),
        ("SET lock_timeout = '5s'", Kind.SESSION),
        ("VACUUM t", Kind.SESSION),
        ("REFRESH MATERIALIZED VIEW mv", Kind.SESSION),
    ],
)
def test_kinds(sql: str, kind: Kind) -> None:
    assert cov(sql).kind is kind


def test_partial_statements_say_what_is_not_kept() -> None:
    c = cov(
        "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (START WITH 10)) WITH (fillfactor = 70)"
    )
    assert c.kind is Kind.PARTIAL
    assert c.missing == ("storage parameters", "identity sequence options")
    c = cov("CREATE INDEX i ON t (a) WITH (fillfactor = 50) TABLESPACE fast")
    assert c.missing == ("index storage parameters", "tablespace")
    c = cov("ALTER FUNCTION f() COST 10")
    assert c.kind is Kind.PARTIAL


def test_alter_table_mixing_modelled_and_ignored_subcommands() -> None:
    c = cov("ALTER TABLE t ADD COLUMN c text, ALTER COLUMN d SET STATISTICS 100, ENABLE TRIGGER x")
    assert c.kind is Kind.PARTIAL and c.subcommands == (1, 2) and c.missing == ()
    assert cov("ALTER TABLE t SET (fillfactor = 70)").kind is Kind.SCHEMA
    assert cov("ALTER FOREIGN TABLE ft ADD COLUMN c int").kind is Kind.SCHEMA
