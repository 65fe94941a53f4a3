"""The pglast wrapper: chunk parsing with absolute offsets, the flat splitter, identifier tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pglast import ast, parse_sql

from pgarch_lint import sql

SAMPLES = [
    "CREATE TABLE t (a int NOT NULL DEFAULT 1, b text REFERENCES u ON DELETE CASCADE, CHECK (a > 0))",
    "ALTER TABLE ONLY t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t USING gin (b jsonb_path_ops) WHERE a IS NOT NULL",
    "SELECT pg_catalog.set_config('search_path', '', false)",
    "SELECT true, false, NULL::boolean, 1.5e3, B'101', x'ff', $1, interval '1 day'",
    "CREATE POLICY p ON t AS RESTRICTIVE FOR UPDATE TO app USING (tenant_id = current_setting('a')::bigint)",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING merge_action()",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
    "GRANT EXECUTE ON FUNCTION f(int) TO PUBLIC",
    "COPY t (a, b) FROM stdin WITH (FORMAT csv, HEADER true)",
]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def same(x: Any, y: Any) -> bool:
    if type(x) is not type(y):
        return False
    if isinstance(x, ast.Node):
        return all(same(getattr(x, s, None), getattr(y, s, None)) for s in x.__slots__)
    if isinstance(x, tuple):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y, strict=True))
    return bool(x == y)


@pytest.mark.parametrize("text", SAMPLES)
def test_parse_chunk_offsets_are_absolute(text: str) -> None:
    prefix = "SELECT 0;\n"
    masked = prefix + text + ";"
    [ps] = sql.parse_chunk(masked, len(prefix), len(masked))
    assert ps.start == len(prefix)
    assert same(ps.node, parse_sql(text)[0].stmt)


def test_parse_chunk_reports_absolute_error_offsets() -> None:
    masked = "SELECT 1;\nSELEC 2;"
    with pytest.raises(sql.ChunkParseError) as exc:
        sql.parse_chunk(masked, 10, len(masked))
    assert exc.value.offset == 10 and "syntax error" in exc.value.message


def test_split_flat_and_identifiers() -> None:
    text = "CREATE TABLE (; SELECT ';' ; /* ; */ SELECT 2"
    assert [text[s:e] for s, e in sql.split_flat(text)] == [
        "CREATE TABLE (;",
        "SELECT ';' ;",
        "SELECT 2",
    ]
    text = 'SELECT "Ab""c", X FROM t'
    assert [(text[s:e], n) for s, e, n in sql.identifier_names(text)] == [
        ('"Ab""c"', 'Ab"c'),
        ("X", "x"),
        ("t", "t"),
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # unquoted: ASCII letters fold to lower case, other letters stay as written
        ("SELECT ÄBc FROM Straße", ["Äbc", "straße"]),
        # U& identifiers: 4- and 6-digit escapes, surrogate pairs, a doubled escape character
        ('SELECT U&"d\\0061t\\+000061" FROM t', ["data", "t"]),
        ('SELECT U&"\\D83D\\DE9A\\\\" FROM t', ["\U0001f69a\\", "t"]),
        ("SELECT U&\"d!0061t!!\" UESCAPE '!' FROM t", ["dat!", "t"]),
        ('SELECT u&"a""b" FROM t', ['a"b', "t"]),
        # invalid escapes: the statement fails, the name is left out
        ('SELECT U&"\\D83Dx", U&"\\00zz", U&"\\0000" FROM t', ["t"]),
        # strings, comments and dollar-quoted bodies hold no identifiers
        ('SELECT \'Abc\' /* "x" */, $$ "y" $$ FROM t', ["t"]),
    ],
)
def test_identifier_names_are_the_stored_names(text: str, names: list[str]) -> None:
    assert [n for _, _, n in sql.identifier_names(text)] == names


@pytest.mark.parametrize(
    ("text", "kind", "name", "extra"),
    [
        ("CREATE TABLE t (id $%AUTO_INCREMENT%$)", "table", ("t",), {}),
        (
            'create Temp table if not exists "My"."T" (',
            "table",
            ("My", "T"),
            {"persistence": "t", "if_not_exists": True},
        ),
        ("CREATE GLOBAL TEMPORARY TABLE t (", "table", ("t",), {"persistence": "t"}),
        ("CREATE UNLOGGED TABLE if (a int", "table", ("if",), {"persistence": "u"}),
        ("/* a comment */ -- another\n  CREATE TABLE Orders(id", "table", ("orders",), {}),
        ("CREATE TABLE db.s.t AS SELECT $%X%$", "table", ("db", "s", "t"), {}),
        ("CREATE TABLE p_2024 PARTITION OF p FOR VALUES $%RANGE%$", "table", ("p_2024",), {}),
        ('CREATE TABLE "a""b" (', "table", ('a"b',), {}),
        ("CREATE TABLE " + "x" * 70 + " (", "table", ("x" * 63,), {}),
        (
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY s.t (a $x)",
            "index",
            ("ix",),
            {"if_not_exists": True, "table": ("s", "t")},
        ),
        ("CREATE OR REPLACE TEMP RECURSIVE VIEW v (a) AS", "view", ("v",), {}),
        (
            "CREATE MATERIALIZED VIEW IF NOT EXISTS s.mv AS",
            "materialized view",
            ("s", "mv"),
            {"if_not_exists": True},
        ),
    ],
)
def test_created_name_reads_create_headers(
    text: str, kind: str, name: tuple[str, ...], extra: dict[str, Any]
) -> None:
    c = sql.created_name(text)
    assert c is not None and (c.kind, c.name) == (kind, name)
    for k, v in extra.items():
        assert getattr(c, k) == v, k


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE x",  # nothing after the name
        "CREATE TABLE x WITH OIDS",
        "CREATE TABLE table (a int)",  # a reserved word cannot name a table unquoted
        "CREATE TABLE left (a int)",
        "CREATE TABLE public. (a int)",
        "CREATE TABLE $%PREFIX%$users (id int)",
        "CREATE $%KIND%$ TABLE t (id int)",
        "CREATE INDEX ON t (a $x)",  # unnamed: its generated name is unknown
        "CREATE INDEX CONCURRENTLY ON t (a $x)",
        "CREATE UNLOGGED VIEW v AS",
        "CREATE OR REPLACE MATERIALIZED VIEW v AS",
        "ALTER TABLE t ADD COLUMN $x",
        "SELEC 1",
        "/* unterminated comment CREATE TABLE t (",
        "",
    ],
)
def test_created_name_is_conservative(text: str) -> None:
    assert sql.created_name(text) is None


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("", None),
        ("(VERBOSE)", None),
        ("(CONCURRENTLY)", True),
        ("(CONCURRENTLY true)", True),
        ("(CONCURRENTLY ON)", True),
        ("(CONCURRENTLY 1)", True),
        ("(CONCURRENTLY false)", False),
        ("(VERBOSE, CONCURRENTLY Off)", False),
        ("(CONCURRENTLY 0)", False),
        ("(CONCURRENTLY 'maybe')", None),  # not a boolean: PostgreSQL rejects the statement
    ],
)
def test_option_on_reads_booleans_as_postgresql(options: str, expected: bool | None) -> None:
    from pgarch_lint.api import util

    [node] = sql.parse_text(f"REINDEX {options} TABLE orders")
    assert isinstance(node, sql.ast.ReindexStmt)
    assert util.option_on(node.params, "concurrently") is expected
    # the keyword form is appended last and wins
    [node] = sql.parse_text(f"REINDEX {options} TABLE CONCURRENTLY orders")
    assert isinstance(node, sql.ast.ReindexStmt)
    assert util.option_on(node.params, "concurrently") is True
