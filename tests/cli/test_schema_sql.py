"""`pgarch-lint schema --format sql`: the history squashed into one DDL file.

The round trip: replaying the generated file gives the catalog the history gave
(``schema --format json`` without locations), on the examples and on every corpus of
``../shared/corpus`` (skipped when absent). What may differ, and why (docs/schema-sql.md):

- ``concurrently`` of an index (how it was built, not what it is: the file never builds
  concurrently) and ``columns_known`` of a table whose CREATE did not parse;
- temporary tables (they belong to the session that made them; the file leaves them out);
- grants on objects the catalog no longer holds (it keeps them as history; the file lists them
  commented out), and the order of ``ALTER DEFAULT PRIVILEGES`` relative to other grants (the
  file sets default privileges before creating objects, so that they get them);
- ``unknown_references``: the names the history used without creating them; the file refers
  to no more of them than the history did.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint.catalog import Catalog
from pgarch_lint.cli import main
from pgarch_lint.config import Settings
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.files import collect
from pgarch_lint.schema_report import render_json
from pgarch_lint.schema_sql import SchemaRecorder, prerequisites, render_sql
from pgarch_lint.schema_sql.objects import grant_applies
from pgarch_lint.schema_sql.sqltext import ident

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = ["migrations", "multitenant", "multitenant_flawed"]
CORPORA = [
    "danbooru",
    "hatchet",
    "hatchet_sqlc_queries",
    "kestra",
    "langfuse",
    "ory_keto",
    "supabase_auth",
    "supabase_postgres",
]


def replay(inputs: list[FileInput]) -> tuple[SchemaRecorder, Engine]:
    cat = SchemaRecorder()
    engine = Engine(Settings(), [], cat)
    engine.run(inputs, ["-"])
    return cat, engine


def squash(inputs: list[FileInput]) -> tuple[SchemaRecorder, str]:
    cat, engine = replay(inputs)
    return cat, render_sql(cat, engine.source_text)


def comparable(cat: Catalog, *, original: bool) -> dict[str, Any]:
    """The catalog as ``schema --format json`` without locations, minus what the module
    docstring lists."""
    data = render_json(cat, locations=False)
    data["tables"] = [t for t in data["tables"] if t["persistence"] != "temporary"]
    for rel in [*data["tables"], *data["views"]]:
        rel.pop("columns_known", None)
        for ix in rel["indexes"]:
            ix.pop("concurrently")
    grants = data["grants"]
    if original:
        grants = [d for d, g in zip(grants, cat.grants, strict=True) if grant_applies(cat, g)]
    data["grants"] = [g for g in grants if g["default_privileges"]] + [
        g for g in grants if not g["default_privileges"]
    ]
    data["unknown_references"] = set(data["unknown_references"])
    return data


def inputs_of(folder: Path) -> list[FileInput]:
    return [FileInput(str(p), p.read_bytes()) for p in collect([str(folder)], root=folder)]


def assert_round_trip(inputs: list[FileInput], tmp_path: Path) -> str:
    cat, text = squash(inputs)
    out = tmp_path / "02_schema.sql"
    out.write_text(text, encoding="utf-8")
    again, _ = replay([FileInput(str(out), text.encode())])
    assert again.errors == 0, again.failures[:5]
    a = comparable(cat, original=True)
    b = comparable(again, original=False)
    assert b.pop("unknown_references") <= a.pop("unknown_references")
    if a != b:  # show the first difference, not two 10 MB dicts
        for key in a:
            left = json.dumps(a[key], indent=1, sort_keys=True).splitlines()
            right = json.dumps(b[key], indent=1, sort_keys=True).splitlines()
            for i, (x, y) in enumerate(zip(left, right, strict=False)):
                assert x == y, (key, i, "\n".join(left[max(0, i - 30) : i + 5]))
            assert len(left) == len(right), key
    return text


@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trip_examples(name: str, tmp_path: Path) -> None:
    assert_round_trip(inputs_of(ROOT / "examples" / name), tmp_path)


@pytest.mark.parametrize("name", CORPORA)
def test_round_trip_corpus(name: str, tmp_path: Path) -> None:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"corpus folder {folder} is absent")
    assert_round_trip(inputs_of(folder), tmp_path)


def test_round_trip_postgres_regression_suite(tmp_path: Path) -> None:
    """PostgreSQL's regression scripts are no migration history: they run in alphabetical
    order here, fail on purpose, and leave states no server reaches (a table that is a
    partition of itself, a view read before its table exists). The file still replays
    without a failure, holds every object, and all but a few tables (partitions attached in
    ways a single CREATE cannot repeat, serial and identity sequences whose names clashed)
    come back identical."""
    folder = CORPUS / "postgres_regress"
    if not folder.is_dir():
        pytest.skip(f"corpus folder {folder} is absent")
    cat, text = squash(inputs_of(folder))
    again, _ = replay([FileInput(str(tmp_path / "02_schema.sql"), text.encode())])
    assert again.errors == 0, again.failures[:5]
    a = comparable(cat, original=True)
    b = comparable(again, original=False)
    for key in ("schemas", "functions", "types", "extensions", "roles", "grants", "search_path"):
        assert a[key] == b[key], key
    for key in ("tables", "views"):
        assert [(x["schema"], x["name"]) for x in a[key]] == [
            (x["schema"], x["name"]) for x in b[key]
        ]
    same = sum(x == y for x, y in zip(a["tables"], b["tables"], strict=True))
    assert same >= 0.9 * len(a["tables"]), (same, len(a["tables"]))


#: what the model leaves out of routines, types and tables, and renames the file must follow
EDGES = """\
CREATE FUNCTION f(a int DEFAULT 3, OUT b int, OUT c text) LANGUAGE plpgsql PARALLEL SAFE COST 5
AS $body$
BEGIN
  -- a $$ inside, and 'quotes'
  b := a; c := $$x$$;
END
$body$;
CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x + 1;
ALTER FUNCTION g(int) SECURITY DEFINER SET search_path = pg_catalog, public;
CREATE PROCEDURE p() LANGUAGE sql AS 'select 1';
ALTER FUNCTION f RENAME TO f2;
COMMENT ON FUNCTION f2 IS 'renamed';
CREATE TYPE r AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY, s serial, v int8range,
    EXCLUDE USING gist (v WITH &&));
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE u (id int, during tstzrange, EXCLUDE USING gist (id WITH =, during WITH &&))
    WITH (fillfactor = 70);
CREATE INDEX u_id ON u (id) WITH (fillfactor = 50);
ALTER TABLE t RENAME TO t2;
CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER trg BEFORE INSERT ON t2 FOR EACH ROW EXECUTE FUNCTION tf();
ALTER FUNCTION tf() RENAME TO tf2;
CREATE ROLE app_reader LOGIN PASSWORD 'secret';
GRANT SELECT ON t2 TO app_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_reader;
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t2 WITH NO DATA;
CREATE UNIQUE INDEX mv_id ON mv (id);
ALTER TABLE t2 RENAME TO t3;
COMMENT ON TRIGGER trg ON t3 IS $$x$$;
"""


def test_edges_round_trip_and_read_well(tmp_path: Path) -> None:
    text = assert_round_trip([FileInput("edges.sql", EDGES.encode())], tmp_path)
    # a routine from its defining statement, renamed: OUT parameters, defaults, COST kept
    assert "CREATE FUNCTION public.f2(a integer = 3, OUT b integer, OUT c text)" in text
    assert "-- a $$ inside, and 'quotes'" in text
    assert "ALTER FUNCTION public.g(integer) SECURITY DEFINER SET search_path" in text
    assert "CREATE TYPE public.r AS RANGE (subtype = float8, subtype_diff = float8mi);" in text
    assert "EXCLUDE USING gist (id WITH =, during WITH &&)" in text
    # the serial and identity sequences keep the names the history gave them
    assert "ALTER SEQUENCE public.t3_s_seq RENAME TO t_s_seq;" in text
    # the view reads the table under its current name; the trigger names table and routine so
    assert "SELECT id FROM public.t3" in text
    assert "CREATE TRIGGER trg BEFORE INSERT ON public.t3" in text and "public.tf2()" in text
    assert "secret" not in text and "PASSWORD NULL" in text
    # storage parameters the catalog does not keep, applied after the schema
    assert "ALTER TABLE public.u SET (fillfactor = 70);" in text
    assert "ALTER INDEX public.u_id SET (fillfactor = 50);" in text
    # default privileges before the tables they apply to
    assert text.index("ALTER DEFAULT PRIVILEGES") < text.index("CREATE TABLE public.t3")


def test_cli_output_context_and_determinism(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("history.sql").write_text(
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
    )
    Path("new.sql").write_text(
        "ALTER TABLE orders ADD COLUMN note text;\n"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders\n"
        "    FOR EACH ROW EXECUTE FUNCTION touch();\n"
        "INSERT INTO orders DEFAULT VALUES;\n"
        "ALTER TABLE orders SET (fillfactor = 70), ADD COLUMN total numeric(12,2);\n"
    )
    args = ["schema", "new.sql", "--context", "history.sql", "--format", "sql"]
    r = CliRunner().invoke(main, [*args, "--output", "a.sql"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, [*args, "--output", "b.sql"])
    text = Path("a.sql").read_text()
    assert text == Path("b.sql").read_text()  # deterministic
    assert "CREATE TABLE public.orders (" in text
    assert "note text" in text and "total numeric(12,2)" in text
    assert "CREATE FUNCTION public.touch()" in text
    # not modelled: the trigger applied, the INSERT commented out, with file and line
    assert "-- new.sql:3" in text
    assert "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders" in text
    assert "-- new.sql:5: data or procedural statement: not applied" in text
    assert "-- INSERT INTO orders DEFAULT VALUES;" in text
    # the sub-command the catalog ignores, alone
    assert "ALTER TABLE orders SET (fillfactor = 70);" in text
    assert text.index("CREATE TRIGGER") > text.index("CREATE TABLE public.orders")


def test_cli_needs_paths_or_dsn() -> None:
    r = CliRunner().invoke(main, ["schema", "--format", "sql"])
    assert r.exit_code == 2 and "give PATHS, --dsn or both" in r.output


# --- the file applies to an empty PostgreSQL ---------------------------------------------------

# what a history needs that it does not create (the header of the file lists it)
PREREQUISITES = {
    # ory's popx layout: the networks table belongs to another module of the same database
    "ory_keto": "CREATE TABLE networks (id uuid PRIMARY KEY);",
}
#: cases whose file cannot apply, and why
NOT_APPLICABLE = {
    "multitenant_flawed": "its history cannot apply either: a primary key of a partitioned "
    "table without the partition column (one of the flaws it demonstrates)",
    "supabase_auth": "every name is a Go-template placeholder until rendered",
}


def _psql(server: Any) -> str:
    found = server.bindir / "psql"
    return str(found) if found.exists() else (shutil.which("psql") or "psql")


def _sql(server: Any, db: str, text: str) -> None:
    import psycopg

    with psycopg.connect(server.dsn(db), autocommit=True) as conn:
        conn.execute(text)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "name",
    ["inline/edges"] + [f"examples/{n}" for n in EXAMPLES] + [f"corpus/{n}" for n in CORPORA],
)
def test_schema_file_applies_to_an_empty_database(
    pg_server: Any, name: str, tmp_path: Path
) -> None:
    kind, _, case = name.partition("/")
    if case in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[case])
    if kind == "inline":
        cat, text = squash([FileInput("edges.sql", EDGES.encode())])
    else:
        folder = ROOT / "examples" / case if kind == "examples" else CORPUS / case
        if not folder.is_dir():
            pytest.skip(f"{folder} is absent")
        cat, text = squash(inputs_of(folder))
    import psycopg

    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        missing = sorted(set(cat.extensions) - available)
        if missing:
            pytest.skip(f"extensions not installed on the test server: {', '.join(missing)}")
        db = f"schema_sql_{case}"
        conn.execute(f"DROP DATABASE IF EXISTS {db}")  # type: ignore[call-overload]
        conn.execute(f"CREATE DATABASE {db}")  # type: ignore[call-overload]
    roles, _ = prerequisites(cat)
    for r in roles:
        _sql(
            pg_server,
            db,
            f"DO $$BEGIN CREATE ROLE {ident(r)}; EXCEPTION WHEN duplicate_object THEN NULL; END$$",
        )
    if case in PREREQUISITES:
        _sql(pg_server, db, PREREQUISITES[case])
    path = tmp_path / "02_schema.sql"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [
            _psql(pg_server),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            pg_server.dsn(db),
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PGPASSWORD": pg_server.password},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # and a second time: roles are created only where missing, the rest fails on what exists
    # (the file is a baseline for an empty database, not a migration)


def test_schema_dsn_writes_the_live_schema(pg_server: Any, tmp_path: Path) -> None:
    """``schema --dsn``: the live database's schema, written as a file that applies to
    another empty database and replays to the same catalog as the history."""
    folder = ROOT / "examples" / "multitenant"
    _, text = squash(inputs_of(folder))
    import psycopg

    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
        for db in ("schema_sql_dsn_src", "schema_sql_dsn_dst"):
            conn.execute(f"DROP DATABASE IF EXISTS {db}")  # type: ignore[call-overload]
            conn.execute(f"CREATE DATABASE {db}")  # type: ignore[call-overload]
    _sql(pg_server, "schema_sql_dsn_src", text)
    out = tmp_path / "live.sql"
    r = CliRunner().invoke(
        main,
        [
            "schema",
            "--dsn",
            pg_server.dsn("schema_sql_dsn_src"),
            "--format",
            "sql",
            "--output",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    live = out.read_text()
    assert pg_server.password not in live
    assert "CREATE TABLE public.files (" in live
    _sql(pg_server, "schema_sql_dsn_dst", live)
    history, _ = replay(inputs_of(folder))
    again, _ = replay([FileInput(str(out), live.encode())])
    assert sorted(t.qualified for t in again.tables()) == sorted(
        t.qualified for t in history.tables()
    )
