"""Unit tests for the source layer (decoding, masking, lexing, chunking)."""

from __future__ import annotations

import time
from pathlib import Path

import pglast
import pytest

from pgarch_lint.files import is_down_file
from pgarch_lint.source import Chunk, SourceFile, load_source

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def load(sql: str | bytes, path: str = "m.sql", **kw: bool) -> SourceFile:
    data = sql.encode() if isinstance(sql, str) else sql
    src = load_source(data, path, **kw)
    check_invariants(src)
    return src


def check_invariants(src: SourceFile) -> None:
    assert len(src.masked) == len(src.text)
    for k, (a, b) in enumerate(zip(src.text, src.masked, strict=True)):
        if a in "\r\n" or b in "\r\n":
            assert a == b, f"line break moved at {k}"
    last = 0
    for c in src.chunks:
        assert last <= c.start < c.end <= len(src.text)
        last = c.end
    for cm in src.comments:
        assert src.text[cm.start : cm.end] == cm.text


def masked_chunks(src: SourceFile) -> list[str]:
    return [src.masked[c.start : c.end] for c in src.chunks]


def text_chunks(src: SourceFile) -> list[str]:
    return [src.text[c.start : c.end] for c in src.chunks]


def assert_parses(src: SourceFile) -> None:
    for c in src.chunks:
        pglast.parse_sql(src.masked[c.start : c.end])


# --- decoding and positions ---------------------------------------------------------------


def test_bom_is_stripped_and_does_not_shift_columns() -> None:
    src = load(b"\xef\xbb\xbfCREATE TABLE t (a int);\n  DROP TABLE t;")
    assert src.text.startswith("CREATE")
    assert [src.position(c.start) for c in src.chunks] == [(1, 1), (2, 3)]
    assert src.decode_error is None
    assert_parses(src)


def test_crlf_and_lone_cr_are_one_line_break_each() -> None:
    src = load("SELECT 1;\r\nSELECT 2;\rSELECT 3;\n\r\n  SELECT 4;")
    assert [src.position(c.start) for c in src.chunks] == [(1, 1), (2, 1), (3, 1), (5, 3)]
    assert src.line_text(1) == "SELECT 1;"
    assert src.line_text(2) == "SELECT 2;"
    assert src.line_text(4) == ""
    assert src.line_text(5) == "  SELECT 4;"
    assert src.line_text(6) == ""
    assert src.line_text(0) == ""
    assert_parses(src)


def test_position_clamps_and_counts_characters() -> None:
    src = load("-- é€😀\nSELECT 'ü';")
    assert src.position(-5) == (1, 1)
    assert src.position(10_000) == src.position(len(src.text))
    assert src.position(src.chunks[0].start) == (2, 1)
    assert src.position(src.text.index("'ü'") + 1) == (2, 9)
    assert src.comments[0].text == "-- é€😀"


def test_comment_line_ending_with_cr() -> None:
    src = load("-- note\rSELECT 1;")
    assert src.comments[0].text == "-- note"
    assert text_chunks(src) == ["SELECT 1;"]


def test_invalid_utf8_position_and_message() -> None:
    src = load(b"SELECT 'caf\xe9';\nSELECT 2;")
    assert src.decode_error is not None
    offset, message = src.decode_error
    assert src.text[offset] == "\ufffd"
    assert offset == len("SELECT 'caf")
    assert message.startswith("invalid UTF-8 byte 0xe9: the file is not UTF-8")
    assert len(src.chunks) == 2


def test_invalid_utf8_after_bom() -> None:
    src = load(b"\xef\xbb\xbf\xff;SELECT 1;")
    assert src.decode_error is not None
    assert src.decode_error[0] == 0 and src.decode_error[1].startswith("invalid UTF-8 byte 0xff")


def test_nul_bytes_are_masked() -> None:
    src = load(b"SELECT 1\x00;")
    assert "\x00" not in src.masked
    assert src.text == "SELECT 1\x00;"


# --- lexing and chunking ------------------------------------------------------------------


def test_empty_file_and_only_comments() -> None:
    assert load("").chunks == []
    src = load("-- a\n/* b */\n  -- c")
    assert src.chunks == []
    assert [c.text for c in src.comments] == ["-- a", "/* b */", "-- c"]
    assert src.tool is None
    assert src.in_transaction is None


def test_empty_statements_produce_no_chunks() -> None:
    src = load(";;\nSELECT 1;;  ;\n;SELECT 2")
    assert text_chunks(src) == ["SELECT 1;", "SELECT 2"]


def test_chunk_starts_at_first_token_after_comments() -> None:
    sql = "-- pgarch-lint: ignore[x]\n/* c */ CREATE INDEX i ON t (a); -- trailing\nDROP TABLE x"
    src = load(sql)
    assert text_chunks(src) == ["CREATE INDEX i ON t (a);", "DROP TABLE x"]
    assert [c.text for c in src.comments] == ["-- pgarch-lint: ignore[x]", "/* c */", "-- trailing"]
    assert src.comments[0].end < src.chunks[0].start


def test_chunk_end_without_semicolon_excludes_trailing_comment() -> None:
    src = load("SELECT 1 -- done\n\n/* end */\n")
    assert text_chunks(src) == ["SELECT 1"]


def test_nested_block_comments() -> None:
    src = load("/* a /* b; */ still; */ SELECT 1; /* x */")
    assert text_chunks(src) == ["SELECT 1;"]
    assert src.comments[0].text == "/* a /* b; */ still; */"
    assert src.comments[1].text == "/* x */"


def test_strings_and_identifiers_hide_semicolons() -> None:
    src = load("""SELECT 'a;''b', "x;""y" FROM t; SELECT U&'d\\0061t;a', U&"a;b";""")
    assert text_chunks(src) == [
        """SELECT 'a;''b', "x;""y" FROM t;""",
        """SELECT U&'d\\0061t;a', U&"a;b";""",
    ]
    assert_parses(src)


def test_backslash_in_standard_string_is_not_an_escape() -> None:
    src = load("SELECT 'a\\'; SELECT 2;")
    assert text_chunks(src) == ["SELECT 'a\\';", "SELECT 2;"]


def test_e_strings_use_backslash_escapes() -> None:
    src = load("SELECT E'it\\'s; here', e'\\\\'; SELECT 2;")
    assert text_chunks(src) == ["SELECT E'it\\'s; here', e'\\\\';", "SELECT 2;"]
    assert_parses(src)


def test_e_prefix_after_identifier_is_not_an_e_string() -> None:
    # date'...' is a typed literal, the E belongs to "date"... here "some'" would be an error,
    # but the quote must still close at the next quote.
    src = load("SELECT type'a\\'; SELECT 2;")
    assert len(src.chunks) == 2


def test_dollar_quotes_with_tags() -> None:
    sql = (
        "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
        "SELECT $a$ $b$ ; $b$ $a$;\n"
        "PREPARE p AS SELECT $1;"
    )
    src = load(sql)
    assert len(src.chunks) == 4
    assert text_chunks(src)[2] == "SELECT $a$ $b$ ; $b$ $a$;"
    assert_parses(src)


def test_dollar_inside_identifier_is_not_a_quote() -> None:
    src = load("SELECT a$b$c FROM t; SELECT 2;")
    assert len(src.chunks) == 2


def test_parentheses_hide_semicolons() -> None:
    src = load(
        "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); SELECT 1); X;"
    )
    assert len(src.chunks) == 2
    assert text_chunks(src)[1] == "X;"


def test_begin_atomic_bodies() -> None:
    sql = (
        "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\nEND;\n"
        "create procedure p() begin atomic insert into t values (1); end;\n"
        "BEGIN; SELECT 1; END;"
    )
    src = load(sql)
    assert len(src.chunks) == 5
    assert text_chunks(src)[0].endswith("END;\nEND;")
    assert text_chunks(src)[1].startswith("create procedure")
    assert text_chunks(src)[2:] == ["BEGIN;", "SELECT 1;", "END;"]
    assert_parses(src)


def test_function_with_quoted_body_still_splits() -> None:
    src = load("CREATE FUNCTION f() RETURNS int AS 'begin' LANGUAGE sql; SELECT 1;")
    assert len(src.chunks) == 2


@pytest.mark.parametrize(
    "sql",
    ["SELECT 'abc; SELECT 2;", 'SELECT "abc; x', "SELECT $q$ abc; x", "SELECT 1 /* x /* y */"],
)
def test_unterminated_quotes_run_to_end_of_file(sql: str) -> None:
    src = load(sql)
    assert len(src.chunks) == 1
    assert src.chunks[0].start == 0
    assert src.chunks[0].end in (len(sql), len("SELECT 1"))


# --- psql ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "\\connect db",
        "\\c other user",
        "\\set x 1",
        "\\set ON_ERROR_STOP on",
        "\\restrict AbCdEf0123",
        "\\unrestrict AbCdEf0123",
        "\\if :is_pg15",
        "\\endif",
        "\\echo 'it''s; here'",
        "\\\\",
        "\\pset format unaligned",
    ],
)
def test_meta_commands_are_masked(line: str) -> None:
    src = load(f"SELECT 1;\n{line}\nSELECT 2;\n")
    assert src.masked.splitlines()[1] == " " * len(line)
    assert text_chunks(src) == ["SELECT 1;", "SELECT 2;"]
    assert src.tool == "psql"
    assert src.comments == []


def test_gset_ends_the_statement() -> None:
    src = load("select 1 as x \\gset\nselect :x;\nSELECT 2 \\g\nselect 3 \\bind \\g\n")
    assert text_chunks(src) == ["select 1 as x", "select :x;", "SELECT 2", "select 3"]
    assert masked_chunks(src)[1] == "select _x;"
    assert_parses(src)


def test_reset_meta_command_discards_the_buffer() -> None:
    src = load("** not sql\n\\p\n\\r\nSELECT 1;")
    assert text_chunks(src) == ["SELECT 1;"]


def test_backslash_semicolon_joins_statements() -> None:
    src = load("SELECT 1 \\; SELECT 2;\nSELECT 3;")
    assert masked_chunks(src) == ["SELECT 1  ; SELECT 2;", "SELECT 3;"]
    assert_parses(src)


def test_copy_from_stdin_data_is_masked() -> None:
    sql = (
        "COPY public.people (id, name) FROM stdin;\n"
        "1\tO'Brien\t\\N\n"
        '2\t"quoted; value\t$$ -- not a comment\n'
        "3\ta\\\\b\\tc\n"
        "\\.\n"
        "SELECT 'after';\n"
    )
    src = load(sql)
    assert text_chunks(src) == ["COPY public.people (id, name) FROM stdin;", "SELECT 'after';"]
    lines = src.masked.splitlines()
    assert all(not line.strip() for line in lines[1:5])
    assert src.comments == []
    assert_parses(src)


def test_copy_lowercase_with_crlf_and_trailing_comment() -> None:
    sql = "copy t from STDIN; -- data\r\nx'y\r\n\\.\r\nselect 1;\r\n"
    src = load(sql)
    assert text_chunks(src) == ["copy t from STDIN;", "select 1;"]
    assert [c.text for c in src.comments] == ["-- data"]


def test_psql_copy_meta_command_data_is_masked() -> None:
    src = load('\\copy t from stdin with csv\na,"b;c\n\\.\nSELECT 1;')
    assert text_chunks(src) == ["SELECT 1;"]
    assert src.tool == "psql"


def test_copy_to_stdout_and_unterminated_copy() -> None:
    src = load("COPY t TO stdout;\nSELECT 1;\nCOPY t FROM stdin;\n1\t2\n")
    assert text_chunks(src) == ["COPY t TO stdout;", "SELECT 1;", "COPY t FROM stdin;"]
    assert src.masked.endswith("\n   \n")


def test_psql_variables_are_masked_but_not_casts_or_slices() -> None:
    sql = (
        'SELECT :foo, :\'bar\', :"baz", a::int, b[1:n], b[:2], f(x := 1) FROM :"tbl";\n'
        "SELECT :{?defined};"
    )
    src = load(sql)
    assert masked_chunks(src) == [
        'SELECT _foo, \'____\', "____", a::int, b[1:n], b[:2], f(x := 1) FROM "____";',
        "SELECT ___________;",
    ]
    assert src.tool == "psql"
    assert_parses(src)


def test_psql_variables_inside_strings_stay() -> None:
    src = load("SELECT ':x', '{\"a\":1}'::jsonb;")
    assert src.masked == src.text
    assert src.tool is None


# --- Flyway and Go templates --------------------------------------------------------------


def test_flyway_placeholders() -> None:
    sql = "CREATE TABLE ${schema}.t (a int);\nINSERT INTO t VALUES ('${flyway:user}');"
    src = load(sql, "V1_2__init.sql")
    assert masked_chunks(src) == [
        "CREATE TABLE _________.t (a int);",
        "INSERT INTO t VALUES ('" + "_" * len("${flyway:user}") + "');",
    ]
    assert src.tool == "flyway"
    assert_parses(src)


@pytest.mark.parametrize(
    ("path", "tool"),
    [
        ("db/V1__init.sql", "flyway"),
        ("V1_10__add.sql", "flyway"),
        ("R__views.sql", "flyway"),
        ("U3__undo.sql", "flyway"),
        ("migrations/001_init.sql", None),
        ("Vacuum.sql", None),
    ],
)
def test_flyway_detected_by_file_name(path: str, tool: str | None) -> None:
    assert load("SELECT 1;", path).tool == tool


def test_go_templates_are_masked() -> None:
    sql = (
        'ALTER TABLE {{ index .Options "Namespace" }}.users ADD COLUMN a int;\n'
        "CREATE TABLE {{.Schema}}.t ({{- range .Cols }}c int{{- end }});\n"
        'GRANT ALL ON {{index .Options "Namespace" }}.users TO x;\n'
    )
    src = load(sql)
    assert src.tool == "go-template"
    first = masked_chunks(src)[0]
    assert first.startswith(
        "ALTER TABLE " + "_" * len('{{ index .Options "Namespace" }}') + ".users"
    )
    assert '"' not in src.masked
    assert_parses(src)


def test_array_literals_are_not_templates() -> None:
    sql = "SELECT '{{1,2},{3,4}}'::int[], '{{a,b},{c,d}}'::text[], '{{-1}}'::int[], '{{.5}}';"
    src = load(sql)
    assert src.masked == src.text
    assert src.tool is None


def test_multiline_template_keeps_newlines() -> None:
    src = load("SELECT 1 FROM {{ if .X }}\nt{{ end }};")
    assert src.masked.count("\n") == 1
    assert_parses(src)


# --- goose, dbmate, sqlc ------------------------------------------------------------------


GOOSE = """-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
SELECT 1;
-- +goose StatementEnd
CREATE TABLE a (id int);
CREATE TABLE b (id int);

-- +goose Down
-- +goose StatementBegin
DROP FUNCTION f;
-- +goose StatementEnd
DROP TABLE a; -- gone
"""


def test_goose_up_down_and_statement_blocks() -> None:
    src = load(GOOSE)
    assert src.tool == "goose"
    assert src.in_transaction is True
    chunks = text_chunks(src)
    assert len(chunks) == 3
    assert chunks[0].startswith("CREATE FUNCTION") and chunks[0].endswith("SELECT 1;")
    assert chunks[1:] == ["CREATE TABLE a (id int);", "CREATE TABLE b (id int);"]
    down = src.text.index("-- +goose Down")
    assert not src.masked[down:].strip()
    assert all(c.start < down for c in src.comments)
    assert_parses(src)


def test_goose_lint_down() -> None:
    src = load(GOOSE, lint_down=True)
    chunks = text_chunks(src)
    assert chunks[3:] == ["DROP FUNCTION f;", "DROP TABLE a;"]
    assert src.comments[-1].text == "-- gone"


@pytest.mark.parametrize(
    "marker", ["-- +goose NO TRANSACTION", "-- +goose no transaction", "--  +goose No Transaction"]
)
def test_goose_no_transaction(marker: str) -> None:
    src = load(f"{marker}\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
    assert src.tool == "goose"
    assert src.in_transaction is False
    assert len(src.chunks) == 1


def test_goose_markers_are_case_insensitive_and_line_anchored() -> None:
    sql = "-- +GOOSE UP\nSELECT 1;\nSELECT '-- +goose Down';\n  -- +goose down\nSELECT 2;\n"
    src = load(sql)
    assert text_chunks(src) == ["SELECT 1;", "SELECT '-- +goose Down';"]


def test_goose_block_with_unterminated_dollar_quote_stops_at_statement_end() -> None:
    sql = (
        "-- +goose Up\n-- +goose StatementBegin\nSELECT $$ oops;\n-- +goose StatementEnd\nSELECT 2;"
    )
    src = load(sql)
    assert text_chunks(src)[-1] == "SELECT 2;"


def test_dbmate_sections() -> None:
    sql = "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n"
    src = load(sql)
    assert src.tool == "dbmate"
    assert src.in_transaction is True
    assert text_chunks(src) == ["CREATE TABLE t (a int);"]
    assert load(sql, lint_down=True).chunks[-1] == Chunk(
        sql.index("DROP"), sql.index("DROP") + len("DROP TABLE t;")
    )


def test_dbmate_transaction_false() -> None:
    src = load("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
    assert src.in_transaction is False
    assert src.tool == "dbmate"


def test_sqlc_names_and_params() -> None:
    sql = (
        "-- name: GetUser :one\nSELECT * FROM users WHERE id = @id AND org = sqlc.arg(org);\n\n"
        "-- name: ListUsers :many\n-- extra doc line\nSELECT * FROM users WHERE tags @> @tags::text[]"
        " AND a <@ b LIMIT @lim;\n"
        "SELECT 1;\n"
    )
    src = load(sql)
    assert src.tool == "sqlc"
    assert [c.query_name for c in src.chunks] == ["GetUser", "ListUsers", None]
    masked = masked_chunks(src)
    assert "= _id AND" in masked[0]
    assert "@> _tags::text[] AND a <@ b LIMIT _lim;" in masked[1]
    assert_parses(src)


def test_at_sign_is_left_alone_outside_sqlc_files() -> None:
    src = load("SELECT @x, a @> b;")
    assert src.masked == src.text


# --- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "down"),
    [
        ("migrations/2020_init/down.sql", True),
        ("migrations/2020_init/up.sql", False),
        ("db/000001_create.down.sql", True),
        ("db/000001_create.up.sql", False),
        ("sqitch/revert/add_users.sql", True),
        ("sqitch\\revert\\add_users.sql", True),
        ("sqitch/deploy/revert.sql", False),
        ("downtime.sql", False),
    ],
)
def test_is_down_file(path: str, down: bool) -> None:
    assert is_down_file(path) is down


# --- realistic inputs parse -----------------------------------------------------------------


PG_DUMP = """\ufeff--
-- PostgreSQL database dump
--

\\restrict 9sKx3QH5C6AbCdEf

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

\\connect app

CREATE TABLE public.people (
    id integer NOT NULL,
    name text
);

COPY public.people (id, name) FROM stdin;
1\tO'Brien
2\t\\N
\\.

CREATE FUNCTION public.add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (add.a + add.b);
END;

\\unrestrict 9sKx3QH5C6AbCdEf
"""


def test_pg_dump_sample_parses() -> None:
    src = load(PG_DUMP.replace("\n", "\r\n"))
    assert src.tool == "psql"
    assert len(src.chunks) == 5
    assert_parses(src)
    assert src.position(src.chunks[2].start) == (12, 1)


# --- corpus smoke test and speed ----------------------------------------------------------


MIGRATION_SETS = [
    "hatchet",
    "langfuse",
    "kestra",
    "supabase_postgres",
    "supabase_auth",
    "hatchet_sqlc_queries",
]


def _corpus_stats(folder: Path) -> tuple[int, int, list[str]]:
    total = ok = 0
    failures: list[str] = []
    for f in sorted(p for p in folder.rglob("*.sql") if p.is_file()):
        src = load_source(f.read_bytes(), str(f))
        assert len(src.masked) == len(src.text)
        for c in src.chunks:
            total += 1
            try:
                pglast.parse_sql(src.masked[c.start : c.end])
                ok += 1
            except pglast.parser.ParseError as exc:
                line, col = src.position(c.start)
                failures.append(f"{f.relative_to(CORPUS)}:{line}:{col}: {exc}")
    return total, ok, failures


def test_corpus_postgres_regress() -> None:
    folder = CORPUS / "postgres_regress"
    if not folder.is_dir():
        pytest.skip("corpus not available")
    total, ok, _ = _corpus_stats(folder)
    print(f"\npostgres_regress: {ok}/{total} chunks parse ({ok / total:.2%})")
    assert total > 40_000
    assert ok / total >= 0.97


@pytest.mark.parametrize("name", MIGRATION_SETS)
def test_corpus_migrations_parse(name: str) -> None:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip("corpus not available")
    total, ok, failures = _corpus_stats(folder)
    print(f"\n{name}: {ok}/{total} chunks parse")
    assert total > 0
    assert failures == []


def test_corpus_never_raises_and_detects_tools() -> None:
    if not CORPUS.is_dir():
        pytest.skip("corpus not available")
    tools: dict[str, set[str | None]] = {}
    for f in sorted(p for p in CORPUS.rglob("*.sql") if p.is_file()):
        src = load_source(f.read_bytes(), str(f))
        rel = f.relative_to(CORPUS)
        if rel.parts[0] == "supabase_auth" and "migrations" not in rel.parts:
            continue  # hack/init_postgres.sql is plain SQL
        tools.setdefault(rel.parts[0], set()).add(src.tool)
    assert tools["kestra"] == {"flyway"}
    assert tools["supabase_auth"] == {"go-template"}
    assert "sqlc" in tools["hatchet_sqlc_queries"]
    assert "goose" in tools["hatchet"]
    assert "dbmate" in tools["supabase_postgres"]
    assert "psql" in tools["postgres_regress"]


def _generated_ddl(size: int, comment: str) -> bytes:
    parts: list[str] = []
    n = total = 0
    while total < size:
        n += 1
        part = (
            f"-- {comment} {n}\n"
            f"CREATE TABLE t_{n} (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x',"
            f" created_at timestamptz DEFAULT now(), amount numeric(12,2));\n"
            f"CREATE INDEX ix_t_{n}_name ON t_{n} (name);\n"
            f"ALTER TABLE t_{n} ADD CONSTRAINT c_{n} CHECK (amount > 0::numeric);\n"
            f"COMMENT ON TABLE t_{n} IS 'table number {n}';\n"
        )
        parts.append(part)
        total += len(part)
    return "".join(parts).encode()


@pytest.mark.parametrize("comment", ["table", "tablé ünïcode € 😀"])
def test_speed(comment: str) -> None:
    data = _generated_ddl(5_000_000, comment)
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        src = load_source(data, "big.sql")
        best = min(best, time.perf_counter() - t0)
    print(f"\nload_source ({comment!r}): {len(data) / 1e6 / best:.1f} MB/s over {len(data)} bytes")
    assert len(src.chunks) == 4 * src.text.count("CREATE TABLE")


def test_leading_backslash_semicolon_is_an_empty_statement() -> None:
    src = load("\\; SELECT 1;")
    assert text_chunks(src) == ["SELECT 1;"]


def test_a_non_utf8_file_is_reported_once_and_its_mangled_names_are_not_judged() -> None:
    from pgarch_lint.testing import lint_sql

    data = 'CREATE TABLE caf\xe9s (id bigint PRIMARY KEY, "Na\xefme" text);\nCREATE INDEX bad\xff ON caf\xe9s (id);\n'
    raw = data.encode("latin-1").decode("utf-8", "surrogateescape")
    findings = lint_sql(raw, rules=["syntax-error", "naming-snake-case", "naming-index"])
    assert [f.rule for f in findings] == ["syntax-error"]
    assert "the file is not UTF-8" in findings[0].message
