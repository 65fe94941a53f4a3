"""check --fix / --unsafe-fixes / --diff end to end, and fixes in the JSON and SARIF reports."""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main

NEW = "CREATE TABLE webhooks (\n  id bigint PRIMARY KEY,\n  payload JSON NOT NULL,\n  extra json[]\n);\n"
OLD = "ALTER TABLE old_t ADD COLUMN j json;\n"


def run(args: list[str], cwd: Path, input: bytes | None = None):  # type: ignore[no-untyped-def]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_fix_rewrites_new_columns_and_reports_what_remains(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_bytes((NEW + OLD).encode())
    f.chmod(0o640)
    r = run(["check", "--select", "prefer-jsonb", "m.sql"], tmp_path)
    assert r.exit_code == 1 and r.stdout.count("[*]") == 2
    assert "2 findings fixable with --fix." in r.stdout
    assert f.read_bytes() == (NEW + OLD).encode()  # a plain check never writes
    r = run(["check", "--select", "prefer-jsonb", "--fix", "m.sql"], tmp_path)
    assert r.exit_code == 1  # the existing column's finding remains (no fix offered there)
    assert "Applied 2 fixes; 1 finding remains." in r.stdout
    text = f.read_text()
    assert "payload jsonb NOT NULL" in text and "extra jsonb[]" in text and OLD in text
    assert f.stat().st_mode & 0o777 == 0o640
    again = run(["check", "--select", "prefer-jsonb", "--fix", "m.sql"], tmp_path)
    assert "Applied 0 fixes" in again.stdout and f.read_text() == text


def test_fix_keeps_crlf_and_bom(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_bytes(b"\xef\xbb\xbf" + NEW.replace("\n", "\r\n").encode())
    r = run(["check", "--select", "prefer-jsonb", "--fix", "m.sql"], tmp_path)
    assert r.exit_code == 0
    data = f.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"payload jsonb NOT NULL,\r\n" in data


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_text(NEW)
    r = run(["check", "--select", "prefer-jsonb", "--diff", "m.sql"], tmp_path)
    assert r.exit_code == 1
    assert "-  payload JSON NOT NULL,\n-  extra json[]\n+  payload jsonb NOT NULL,\n" in r.stdout
    assert "Would apply 2 fixes" in r.stderr
    assert f.read_text() == NEW
    f.write_text(OLD)
    r = run(["check", "--select", "prefer-jsonb", "--diff", "m.sql"], tmp_path)
    assert r.exit_code == 0 and r.stdout == ""


def test_a_file_with_a_syntax_error_is_never_rewritten(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_text(NEW + "SELEC 1;\n")
    r = run(["check", "--select", "prefer-jsonb,syntax-error", "--fix", "m.sql"], tmp_path)
    assert r.exit_code == 1 and f.read_text() == NEW + "SELEC 1;\n"
    # even when the syntax-error rule is not selected
    run(["check", "--select", "prefer-jsonb", "--fix", "m.sql"], tmp_path)
    assert f.read_text() == NEW + "SELEC 1;\n"


def test_stdin_fix_writes_the_fixed_text_to_stdout(tmp_path: Path) -> None:
    r = run(["check", "--select", "prefer-jsonb", "--fix", "-"], tmp_path, input=NEW.encode())
    assert r.stdout == NEW.replace("JSON NOT", "jsonb NOT").replace("json[]", "jsonb[]")
    assert "Applied 2 fixes; 0 findings remain." in r.stderr


def test_fix_with_dsn_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text(NEW)
    r = run(["check", "--fix", "--dsn", "postgresql://x", "m.sql"], tmp_path)
    assert r.exit_code == 2 and "--dsn" in r.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_carry_the_fix(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "m.sql").write_text(NEW + OLD)
    r = run(["check", "--select", "prefer-jsonb", "--format", fmt, "m.sql"], tmp_path)
    doc = json.loads(r.stdout)
    if fmt == "json":
        schema = json.loads(files("pgarch_lint").joinpath("schemas/report.schema.json").read_text())
        jsonschema.validate(doc, schema)
        fixes = [x["fix"] for x in doc["findings"]]
        assert fixes[2] is None
        assert fixes[0] == {
            "title": "Declare the column jsonb",
            "applicability": "safe",
            "edits": [
                {
                    "start": {"line": 3, "column": 11, "offset": 59},
                    "end": {"line": 3, "column": 15, "offset": 63},
                    "content": "jsonb",
                }
            ],
        }
        assert NEW[59:63] == "JSON"
    else:
        sarif = Path(__file__).resolve().parents[1] / "sarif-schema-2.1.0.json"
        validator = jsonschema.Draft4Validator(json.loads(sarif.read_text(encoding="utf-8")))
        assert not list(validator.iter_errors(doc))
        results = doc["runs"][0]["results"]
        change = results[0]["fixes"][0]["artifactChanges"][0]
        assert change["replacements"][0] == {
            "deletedRegion": {"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 15},
            "insertedContent": {"text": "jsonb"},
        }
        assert "fixes" not in results[2]
