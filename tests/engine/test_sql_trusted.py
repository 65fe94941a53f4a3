"""sql.parse_chunks parses with pglast's attribute validator switched off: the trees must be
exactly those of a validated parse (same node types, same value types, same values)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint import sql
from pgarch_lint.source import load_source

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def same(a: Any, b: Any, path: str = "") -> str | None:
    """Where two parse results differ (None when identical, types included)."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = same(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, sql.ast.Node):
        for attr in a.__slots__:
            d = same(getattr(a, attr), getattr(b, attr), f"{path}.{attr}")
            if d:
                return d
        return None
    if isinstance(a, sql.ParsedStatement):
        if (a.start, a.end) != (b.start, b.end):
            return f"{path}: span differs"
        return same(a.node, b.node, path)
    return None if a == b else f"{path}: {a!r} != {b!r}"


def check_text(text: str) -> None:
    src = load_source(text.encode(), "t.sql")
    spans = [(c.start, c.end) for c in src.chunks]
    trusted = list(sql.parse_chunks(src.masked, spans))
    assert len(trusted) == len(spans)
    for (s, e), got in zip(spans, trusted, strict=True):
        try:
            want: Any = sql.parse_chunk(src.masked, s, e)
        except sql.ChunkParseError as exc:
            assert isinstance(got, sql.ChunkParseError)
            assert (got.message, got.offset) == (exc.message, exc.offset)
            continue
        diff = same(want, got)
        assert diff is None, f"{src.masked[s:e][:200]!r}: {diff}"
    # the validator is back on afterwards
    with pytest.raises(ValueError):
        sql.ast.RangeVar(relname=42)


def test_trusted_parse_of_typed_values() -> None:
    check_text(
        "SELECT true, false, 1, 1.5, 'x', B'101', NULL::int, ARRAY[1,2];\n"
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "c char(1) DEFAULT 'a' CHECK (c <> 'b'), f boolean DEFAULT true NOT NULL);\n"
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES u (id) ON DELETE SET NULL;\n"
        "CREATE INDEX CONCURRENTLY ix ON t USING gin (f) WHERE f IS NOT TRUE;\n"
        "SELEC broken;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
    )
    b = sql.parse_text("SELECT true")[0].targetList[0].val.val
    assert b.boolval is True


def test_batches_larger_than_one_switch() -> None:
    check_text("".join(f"CREATE INDEX i{i} ON t (c{i}) WHERE c{i} = {i};\n" for i in range(700)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "SELECT 1",
                "SELECT true AND NOT false",
                "CREATE TABLE a (b int)",
                "x(",
                "'",
                "$$",
                "ALTER TABLE a ALTER b TYPE text USING b::text",
                "INSERT INTO a VALUES (true)",
                "--c\n",
                "UPDATE a SET b = DEFAULT WHERE c IS NULL RETURNING *",
                "COMMENT ON TABLE a IS 'é'",
            ]
        ),
        max_size=12,
    )
)
def test_trusted_parse_matches_on_random_scripts(parts: list[str]) -> None:
    check_text(";\n".join(parts) + ";\n")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_trusted_parse_matches_over_the_corpus() -> None:
    files = sorted(p for p in CORPUS.rglob("*.sql") if p.is_file())
    assert files
    for f in files:
        src = load_source(f.read_bytes(), str(f))
        spans = [(c.start, c.end) for c in src.chunks]
        for (s, e), got in zip(spans, sql.parse_chunks(src.masked, spans), strict=True):
            try:
                want: Any = sql.parse_chunk(src.masked, s, e)
            except sql.ChunkParseError:
                assert isinstance(got, sql.ChunkParseError), f"{f}: {s}"
                continue
            diff = same(want, got)
            assert diff is None, f"{f} at offset {s}: {diff}"


def test_trees_unpickled_as_trusted_are_those_pickled_and_the_validator_returns() -> None:
    """The results cache unpickles the catalog's trees inside ``trusted_nodes`` (no validator:
    the values were valid when pickled): the trees are identical, and afterwards (also after
    an error inside) pglast validates again."""
    import pickle

    text = (
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a text DEFAULT "
        "lower('X') CHECK (a <> '' AND a IS NOT NULL), f boolean DEFAULT true);\n"
        "CREATE VIEW v AS SELECT id, coalesce(a, 'b') AS a FROM t WHERE f IS NOT FALSE;\n"
    )
    trees = sql.parse_text(text)
    data = pickle.dumps(trees)
    with sql.trusted_nodes():
        sql.ast.RangeVar(relname=42)  # not validated inside
        back = pickle.loads(data)
    assert same(trees, back) is None
    with pytest.raises(RuntimeError), sql.trusted_nodes():
        raise RuntimeError
    with pytest.raises(ValueError):
        sql.ast.RangeVar(relname=42)
