"""The JSON report matches the schema shipped in pgarch_lint/schemas/ (documented in docs/)."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
from click.testing import CliRunner

from pgarch_lint.cli import main


def test_json_report_matches_schema(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.sql").write_text(
        "CREATE INDEX ix ON orders (a);\nDROP TABLE old;\nSELEC 1;\n", encoding="utf-8"
    )
    r = CliRunner().invoke(main, ["check", "m.sql", "--format", "json"])
    data = json.loads(r.output)
    schema = json.loads(files("pgarch_lint").joinpath("schemas/report.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["summary"]["findings"] == len(data["findings"]) >= 3
    s = data["summary"]
    assert s["errors"] + s["warnings"] + s["infos"] == s["findings"]
    assert s["files"] == 1 and s["statements"] == 3


def test_empty_report_matches_schema(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.sql").write_text("", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", "m.sql", "--format", "json"])
    assert r.exit_code == 0
    schema = json.loads(files("pgarch_lint").joinpath("schemas/report.schema.json").read_text())
    jsonschema.validate(json.loads(r.output), schema)
