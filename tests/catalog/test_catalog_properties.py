"""Property tests: random DDL histories over a small universe of names."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parse_sql

from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.schema_report import render_json
from pgarch_lint.sql import ast

TABLES = ["t1", "t2", "t3"]
COLS = ["a", "b", "c"]
INDEXES = ["i1", "i2"]
POLICIES = ["p1", "p2"]
VIEWS = ["v1", "v2"]

T = st.sampled_from(TABLES)
C = st.sampled_from(COLS)
I = st.sampled_from(INDEXES)  # noqa: E741
P = st.sampled_from(POLICIES)
V = st.sampled_from(VIEWS)

STATEMENTS: list[st.SearchStrategy[str]] = [
    st.builds("CREATE TABLE {} (a int PRIMARY KEY, b text, c int)".format, T),
    st.builds("CREATE TABLE IF NOT EXISTS {} (a bigint, b text UNIQUE, c int)".format, T),
    st.builds(
        "CREATE TABLE {} (a int, b int REFERENCES {} ON DELETE CASCADE, c text)".format, T, T
    ),
    st.builds("CREATE TABLE {} (a int, b int, c int) PARTITION BY RANGE (a)".format, T),
    st.builds("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM (1) TO (2)".format, T, T),
    st.builds("ALTER TABLE {} ADD COLUMN {} int DEFAULT 1".format, T, C),
    st.builds("ALTER TABLE {} DROP COLUMN {}".format, T, C),
    st.builds("ALTER TABLE {} DROP COLUMN IF EXISTS {} CASCADE".format, T, C),
    st.builds("ALTER TABLE {} RENAME COLUMN {} TO {}".format, T, C, C),
    st.builds("ALTER TABLE {} RENAME TO {}".format, T, T),
    st.builds("ALTER TABLE {} ALTER COLUMN {} TYPE bigint".format, T, C),
    st.builds("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL".format, T, C),
    st.builds(
        "ALTER TABLE {} ADD CONSTRAINT k_{} CHECK ({} IS NOT NULL) NOT VALID".format, T, C, C
    ),
    st.builds("ALTER TABLE {} VALIDATE CONSTRAINT k_{}".format, T, C),
    st.builds("ALTER TABLE {} DROP CONSTRAINT IF EXISTS k_{}".format, T, C),
    st.builds("ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {}".format, T, C, T),
    st.builds("ALTER TABLE {} ADD UNIQUE ({})".format, T, C),
    st.builds("ALTER TABLE {} ENABLE ROW LEVEL SECURITY".format, T),
    st.builds("ALTER TABLE {} SET SCHEMA s".format, T),
    st.builds("ALTER TABLE s.{} SET SCHEMA public".format, T),
    st.builds("CREATE INDEX {} ON {} ({})".format, I, T, C),
    st.builds("CREATE INDEX ON {} ({}, {})".format, T, C, C),
    st.builds("DROP INDEX IF EXISTS {}".format, I),
    st.builds("ALTER INDEX {} RENAME TO {}".format, I, I),
    st.builds("CREATE POLICY {} ON {} USING (a = 1)".format, P, T),
    st.builds("DROP POLICY IF EXISTS {} ON {}".format, P, T),
    st.builds("CREATE OR REPLACE VIEW {} AS SELECT * FROM {}".format, V, T),
    st.builds("DROP VIEW IF EXISTS {} CASCADE".format, V),
    st.builds("COMMENT ON TABLE {} IS 'x'".format, T),
    st.builds("COMMENT ON COLUMN {}.{} IS 'y'".format, T, C),
    st.builds("DROP TABLE IF EXISTS {}".format, T),
    st.builds("DROP TABLE IF EXISTS {} CASCADE".format, T),
    st.just("CREATE SCHEMA IF NOT EXISTS s"),
    st.just("DROP SCHEMA IF EXISTS s CASCADE"),
    st.just("SET search_path TO s, public"),
    st.just("RESET search_path"),
]

HISTORY = st.lists(st.one_of(STATEMENTS), min_size=1, max_size=25)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse(sql: str) -> list[Any]:
    return [r.stmt for r in parse_sql(sql)]


def apply_all(cat: Catalog, stmts: list[str], path: str = "m.sql") -> None:
    for i, sql in enumerate(stmts):
        for node in parse(sql):
            cat.apply(node, Loc(path, i, i + 1))


def check_invariants(cat: Catalog) -> None:
    assert cat.errors == 0, cat.failures
    tables = {t.qualified: t for t in cat.tables()}
    relations = set(tables) | {v.qualified for v in cat.views()}
    for ix in cat.indexes():
        assert ix.table in relations
        assert cat.index(ix.qualified) is ix
    for t in tables.values():
        for ix in t.indexes.values():
            assert ix.table == t.qualified and ix.schema == t.schema
        for c in t.constraints.values():
            assert c.table == t.qualified
            if c.index is not None:
                assert c.index in t.indexes, (c, list(t.indexes))
        for p in t.policies.values():
            assert p.table == t.qualified


@SETTINGS
@given(HISTORY)
def test_random_histories_never_fail_and_keep_invariants(stmts: list[str]) -> None:
    cat = Catalog()
    cat.begin_file("m.sql", context=False)
    for i, sql in enumerate(stmts):
        dropped: list[str] = []
        for node in parse(sql):
            if (
                isinstance(node, ast.DropStmt)
                and getattr(node.removeType, "name", "") == "OBJECT_TABLE"
            ):
                for obj in node.objects or ():
                    name = ".".join(x.sval for x in obj)
                    t = cat.table_by_name(name)
                    if t is not None:
                        dropped.append(t.qualified)
            cat.apply(node, Loc("m.sql", i, i + 1))
        check_invariants(cat)
        for q in dropped:
            assert cat.table_by_name(q) is None
            assert all(ix.table != q for ix in cat.indexes())
            for t in cat.tables():
                assert all(c.ref_table != q for c in t.constraints.values())
            assert all(q not in v.reads for v in cat.views())


def snapshot(cat: Catalog) -> dict[str, Any]:
    return render_json(cat, locations=False)


@SETTINGS
@given(HISTORY, T, C, st.data())
def test_rename_and_back_restores_catalog(
    stmts: list[str], tname: str, col: str, data: st.DataObject
) -> None:
    cat = Catalog()
    cat.begin_file("m.sql", context=False)
    apply_all(cat, stmts)
    before = snapshot(cat)
    t = cat.table_by_name(tname)
    renames: list[str] = []
    if t is not None:
        q = f"{t.schema}.{t.name}"
        renames += [
            f"ALTER TABLE {q} RENAME TO zz_tmp",
            f"ALTER TABLE {t.schema}.zz_tmp RENAME TO {t.name}",
        ]
        if col in t.columns:
            renames += [
                f"ALTER TABLE {q} RENAME COLUMN {col} TO zz_col",
                f"ALTER TABLE {q} RENAME COLUMN zz_col TO {col}",
            ]
        if t.constraints:
            cname = data.draw(st.sampled_from(sorted(t.constraints)))
            renames += [
                f'ALTER TABLE {q} RENAME CONSTRAINT "{cname}" TO zz_con',
                f'ALTER TABLE {q} RENAME CONSTRAINT zz_con TO "{cname}"',
            ]
        if t.indexes:
            iname = data.draw(st.sampled_from(sorted(t.indexes)))
            renames += [
                f'ALTER INDEX {t.schema}."{iname}" RENAME TO zz_idx',
                f'ALTER INDEX {t.schema}.zz_idx RENAME TO "{iname}"',
            ]
    renames += [
        "ALTER SCHEMA public RENAME TO zz_schema",
        "ALTER SCHEMA zz_schema RENAME TO public",
    ]
    apply_all(cat, renames)
    assert cat.errors == 0, cat.failures
    after = snapshot(cat)
    assert after == before


@SETTINGS
@given(HISTORY, st.lists(st.integers(min_value=0, max_value=25), max_size=4))
def test_per_file_replay_equals_concatenated(stmts: list[str], cuts: list[int]) -> None:
    whole = Catalog()
    whole.begin_file("all.sql", context=False)
    apply_all(whole, stmts, "all.sql")
    split = Catalog()
    bounds = sorted({0, len(stmts), *(c for c in cuts if c < len(stmts))})
    for n, (lo, hi) in enumerate(pairwise(bounds)):
        split.begin_file(f"{n:03}.sql", context=n == 0)
        apply_all(split, stmts[lo:hi], f"{n:03}.sql")
    assert snapshot(whole) == snapshot(split)
