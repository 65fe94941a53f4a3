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
from pgarch_lint.schema_sql import SchemaRecorder, render_sql
from pgarch_lint.schema_sql.objects import grant_applies

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = ["migrations", "multitenant", "multitenant_flawed"]
CORPORA = [
    "danbooru",
    "hatchet",
    "kestra",
    "langfuse",
    "ory_keto",
    # postgres_regress: not yet
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
