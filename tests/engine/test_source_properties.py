"""Property tests for the source layer: masking never moves anything, splitting finds statements."""

from __future__ import annotations

import pglast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgarch_lint.source import SourceFile, load_source

# (statement without its terminating ";", text emitted after the ";")
STATEMENTS: list[tuple[str, str]] = [
    ("CREATE TABLE t1 (a int, b text NOT NULL DEFAULT 'x;y')", ""),
    ("SELECT 'it''s', $$a;b$$, $tag$ $x$ ; $tag$, E'c\\'d;'", ""),
    ("CREATE INDEX \"ix;1\" ON t1 USING btree (a) WHERE b <> '--'", ""),
    ("SELECT a::int, b[1:2], c[:3] FROM t1 WHERE d = '{1,2}'::int[]", ""),
    (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
        "SELECT 1;\nSELECT CASE WHEN true THEN 2 END;\nEND",
        "",
    ),
    ("DO $$ BEGIN PERFORM 1; END $$", ""),
    ("SELECT /* a /* b */ ; */ 1", ""),
    ("SELECT :v, :'w', :\"x\" FROM t1", ""),
    ("CREATE TABLE ${schema}.t2 (a int DEFAULT '${x}')", ""),
    ('ALTER TABLE {{ index .Options "Namespace" }}.users ADD COLUMN c int', ""),
    ("COPY t1 (a, b) FROM stdin", "\n1\tO'Brien\t\\N\n2\t$$ -- ; \"x\n\\.\n"),
    ("SELECT '{{1,2},{3,4}}'::int[]", ""),
    ("SELECT 1 -- trailing ; 'comment'\n+ 2", ""),
]

# Text that may go between statements. Line-based items are emitted on their own line.
INLINE_SEPARATORS = [" ", "\t", "\n", "\n\n", "/* block ; ' */", ";", " ; ; "]
LINE_SEPARATORS = [
    "-- comment ; 'quote",
    "-- pgarch-lint: ignore[ban-drop-table]",
    "\\set x 1",
    "\\connect db",
    "\\restrict AbC123",
    "\\if :flag",
    "\\endif",
    "-- +goose Up",
    "-- +goose NO TRANSACTION",
    "-- migrate:up",
    "-- name: GetThing :one",
]


@st.composite
def sql_files(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]], str]:
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = draw(st.booleans())
    n = draw(st.integers(min_value=0, max_value=8))
    pieces: list[str] = []
    starts: list[int] = []
    length = 0

    def emit(s: str) -> None:
        nonlocal length
        s = s.replace("\n", newline)
        pieces.append(s)
        length += len(s)

    def separators() -> None:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            if draw(st.booleans()):
                emit(draw(st.sampled_from(INLINE_SEPARATORS)))
            else:
                emit("\n" + draw(st.sampled_from(LINE_SEPARATORS)) + "\n")

    for _ in range(n):
        separators()
        stmt, after = draw(st.sampled_from(STATEMENTS))
        block = not after and draw(st.integers(min_value=0, max_value=4)) == 0
        if block:
            emit("\n-- +goose StatementBegin\n")
        starts.append(length)
        emit(stmt + ";" + after)
        if block:
            emit("\n-- +goose StatementEnd\n")
        elif after:
            continue
        if draw(st.booleans()):
            emit("\n")
    separators()
    text = "".join(pieces)
    expected = [_line_col(text, s) for s in starts]
    data = ("\ufeff" if bom else "") + text
    return data.encode(), expected, text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """Independent (line, column): normalise line breaks, then count."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _check_invariants(src: SourceFile) -> None:
    assert len(src.masked) == len(src.text)
    for a, b in zip(src.text, src.masked, strict=True):
        if a in "\r\n" or b in "\r\n":
            assert a == b
    last = 0
    for c in src.chunks:
        assert 0 <= last <= c.start < c.end <= len(src.text)
        last = c.end
    for cm in src.comments:
        assert 0 <= cm.start < cm.end <= len(src.text)
        assert src.text[cm.start : cm.end] == cm.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sql_files())
def test_statements_are_found_at_their_positions(
    case: tuple[bytes, list[tuple[int, int]], str],
) -> None:
    data, expected, text = case
    src = load_source(data, "migration.sql")
    _check_invariants(src)
    assert src.text == text
    assert src.decode_error is None
    assert [src.position(c.start) for c in src.chunks] == expected
    for c in src.chunks:
        pglast.parse_sql(src.masked[c.start : c.end])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    src = load_source(data, "x.sql")
    _check_invariants(src)
    for c in src.chunks:
        src.position(c.start)


LEXER_ALPHABET = "'\"$;()[]\\:-/*\n\r{}@.abcEeU&_1 \t\ufeffé"
LEXER_WORDS = [
    "$$",
    "$t$",
    "--",
    "/*",
    "*/",
    "E'",
    "::",
    "{{ ",
    "}}",
    "${x}",
    "\\.",
    "COPY t FROM stdin;",
    "CREATE FUNCTION ",
    "BEGIN ",
    " END",
    " CASE ",
    "\n-- +goose Down\n",
    "\n-- +goose Up\n",
    "\n-- +goose StatementBegin\n",
    "\n-- +goose StatementEnd\n",
    "\n-- migrate:down\n",
    "\n-- name: X :one\n",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet=LEXER_ALPHABET, max_size=6), st.sampled_from(LEXER_WORDS))),
    st.booleans(),
)
def test_lexer_never_raises_on_tricky_text(parts: list[str], lint_down: bool) -> None:
    text = "".join(parts)
    src = load_source(
        text.encode("utf-8", errors="surrogatepass"), "V1__x.sql", lint_down=lint_down
    )
    _check_invariants(src)
