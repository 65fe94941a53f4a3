"""Fuzzing the whole pipeline (source layer, parser, catalog, every rule): never an exception,
every finding inside the file.

Inputs: random bytes; real statements (from fixtures/ and examples/) truncated, duplicated,
spliced and sprinkled with the characters that trip lexers; goose/dbmate markers at random
places; mutated histories replayed as ``--context``. Each run selects every rule.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgarch_lint.api import Rule
from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import load_rules
from pgarch_lint.source import load_source

ROOT = Path(__file__).resolve().parents[2]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


@cache
def _all_rules() -> tuple[Rule, ...]:
    return tuple(select_rules(load_rules(), Settings(select=("all",))))


@cache
def statement_pool() -> tuple[str, ...]:
    """~200 real statements (chunks of the fixture and example files), deterministic."""
    found: set[str] = set()
    files = sorted(ROOT.glob("fixtures/*/*.sql")) + sorted(ROOT.glob("examples/*/*.sql"))
    for p in files:
        src = load_source(p.read_bytes(), str(p))
        for c in src.chunks:
            text = src.text[c.start : c.end]
            if 0 < len(text) <= 2000:
                found.add(text)
    pool = sorted(found)
    step = max(1, len(pool) // 200)
    return tuple(pool[::step])


def lint_bytes(
    data: bytes,
    *,
    path: str = "migration.sql",
    context: tuple[bytes, ...] = (),
    lint_down: bool = False,
    in_tx: bool | None = None,
) -> list[Finding]:
    """Run the engine with every rule over ``data`` (after ``context``) and check positions."""
    s = Settings(select=("all",), lint_down=lint_down, assume_in_transaction=in_tx)
    files = [FileInput(f"context{i}.sql", c, True) for i, c in enumerate(context)]
    files.append(FileInput(path, data, False))
    findings = Engine(s, list(_all_rules())).run(files).findings
    assert_positions_inside(data, findings, path)
    return findings


def _lines(data: bytes) -> list[str]:
    """The file's lines as the contract counts them, computed independently of source.py."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return _LINE_BREAK.split(data.decode("utf-8", errors="replace"))


def assert_positions_inside(data: bytes, findings: list[Finding], path: str) -> None:
    lines = _lines(data)
    for f in findings:
        assert f.path == path, f
        assert 1 <= f.line <= len(lines), (f, len(lines))
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, (f, lines[f.line - 1])
        assert 1 <= f.end_line <= len(lines), (f, len(lines))
        assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1, (f, lines[f.end_line - 1])
        assert (f.end_line, f.end_column) >= (f.line, f.column), f
        assert f.rule and f.severity in ("error", "warning", "info"), f


# --- random bytes ---------------------------------------------------------------------------


SQL_BYTES = [
    b"CREATE TABLE t (a int)",
    b"CREATE INDEX ix ON t (a)",
    b"ALTER TABLE t ADD COLUMN b text",
    b"SELECT * FROM t WHERE a = 1",
    b"DO $$ BEGIN ",
    b" END $$",
    b";",
    b"\n",
    b"\r\n",
    b"'",
    b"$$",
    b"/*",
    b"*/",
    b"--",
    b"(",
    b")",
    b"\\",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xc3\xa9",
    b"\xe9",
    b"\xff\xfe",
    b"\x80",
    b"\xf0\x9f\x92",
]


@settings(FUZZ, max_examples=3000)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.lists(st.one_of(st.sampled_from(SQL_BYTES), st.binary(max_size=8)), max_size=40).map(
            b"".join
        ),
    ),
    st.booleans(),
)
def test_random_bytes(data: bytes, bom: bool) -> None:
    lint_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


# --- mutations of real statements -----------------------------------------------------------

INSERTS = [
    "'",
    "''",
    '"',
    "$$",
    "$",
    "$tag$",
    "$1",
    "E'",
    "E'\\'",
    "/*",
    "*/",
    "--",
    "-- x\n",
    "\\",
    "\\\\",
    "\\.",
    "\\set x 1\n",
    "\x00",
    "\r",
    "\r\n",
    "\n",
    "\ufeff",
    "é",
    "💥",
    "\u2028",
    "\u0085",
    ":var",
    ":'v'",
    ':"v"',
    "${x}",
    "${",
    "{{ x }}",
    "{{",
    "}}",
    "(",
    ")",
    "((",
    "))",
    "[",
    "]",
    ";",
    ";;",
    "BEGIN",
    "END",
    "CASE",
    " BEGIN ATOMIC ",
    "COPY t FROM stdin;\n",
    "\n\\.\n",
    "-- pgarch-lint: ignore\n",
    "-- pgarch-lint: ignore[all]",
    "-- pgarch-lint: ignore-file[",
    "-- squawk-ignore-file\n",
    "@p",
    "::",
    "U&'",
    "\t",
    " ",
    "\f",
    "\x1a",
    "\ud800",
]


@st.composite
def mutated_sql(draw: st.DrawFn) -> bytes:
    pool = statement_pool()
    stmt = st.sampled_from(pool)
    texts = draw(st.lists(stmt, min_size=1, max_size=4))
    for _ in range(draw(st.integers(0, 8))):
        if not texts:
            texts.append(draw(stmt))
        k = draw(st.integers(0, len(texts) - 1))
        t = texts[k]
        op = draw(st.integers(0, 6))
        i = draw(st.integers(0, len(t)))
        if op == 0:  # truncate
            texts[k] = t[:i]
        elif op == 1:  # duplicate (the statement, or a piece of it)
            texts.insert(k, t if draw(st.booleans()) else t[i:])
        elif op == 2:  # splice two statements
            other = draw(stmt)
            texts[k] = t[:i] + other[draw(st.integers(0, len(other))) :]
        elif op == 3:  # delete a range
            texts[k] = t[:i] + t[i + draw(st.integers(0, 40)) :]
        else:  # insert something tricky
            ins = draw(st.sampled_from(INSERTS))
            if draw(st.integers(0, 4)) == 0:
                ins = draw(st.text(max_size=5))
            texts[k] = t[:i] + ins + t[i:]
    sep = draw(st.sampled_from(["\n", "\n\n", " ", "", ";\n"]))
    text = sep.join(texts)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if newline != "\n":
        text = text.replace("\n", newline)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace" if encoding == "cp1252" else "surrogatepass")


@settings(FUZZ, max_examples=6000)
@given(mutated_sql(), st.booleans())
def test_mutated_statements(data: bytes, lint_down: bool) -> None:
    lint_bytes(data, lint_down=lint_down)


# --- migration-tool markers at random places --------------------------------------------------

MARKERS = [
    "-- +goose Up",
    "-- +goose Down",
    "-- +goose StatementBegin",
    "-- +goose StatementEnd",
    "-- +goose NO TRANSACTION",
    "--+goose up",
    "-- migrate:up",
    "-- migrate:down",
    "-- migrate:up transaction:false",
    "-- name: GetThing :one",
    "-- name: Bad :many",
]


@st.composite
def marked_sql(draw: st.DrawFn) -> bytes:
    pool = statement_pool()
    text = "\n".join(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6)))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(text)))
        marker = draw(st.sampled_from(MARKERS))
        if draw(st.integers(0, 3)):  # usually on a line of its own, sometimes mid-line
            marker = "\n" + marker + "\n"
        text = text[:i] + marker + text[i:]
    return text.encode("utf-8", errors="surrogatepass")


@settings(FUZZ, max_examples=2500)
@given(marked_sql(), st.booleans(), st.sampled_from([None, True, False]))
def test_random_marker_placement(data: bytes, lint_down: bool, in_tx: bool | None) -> None:
    lint_bytes(data, lint_down=lint_down, in_tx=in_tx)


# --- mutated histories replayed into the catalog ----------------------------------------------


@settings(FUZZ, max_examples=700)
@given(st.lists(mutated_sql(), min_size=1, max_size=3), mutated_sql())
def test_mutated_context_then_checked_file(context: list[bytes], data: bytes) -> None:
    lint_bytes(data, context=tuple(context))


def test_pool_is_big_enough() -> None:
    assert 150 <= len(statement_pool()) <= 400


def test_crlf_span_ends_on_its_line() -> None:
    """Found by test_mutated_statements: a finding spanning the rest of a CRLF line ended at
    column len + 2 (between the \\r and the \\n); source.py now treats CRLF as one position."""
    data = (
        b"CREATE PROCEDURE app.rotate_keys()  -- a comment\r\n"
        b"LANGUAGE sql SECURITY DEFINER SET search_path = ''\r\n"
        b"AS $$ DELETE FROM app.keys WHERE expired $$;"
    )
    findings = lint_bytes(data)
    assert any(f.rule == "security-definer-public-execute" for f in findings)
