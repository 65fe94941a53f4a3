"""`pgarch-lint schema`: golden JSON of the catalog for realistic histories.

Regenerate the golden files after an intended change with
``PGARCH_UPDATE_GOLDENS=1 .venv/bin/pytest tests/cli/test_schema_cli.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "schema"
CORPUS = ROOT.parent / "shared" / "corpus"
CASES = {
    "examples-migrations": [str(ROOT / "examples" / "migrations")],
    "examples-multitenant": [str(ROOT / "examples" / "multitenant")],
    "corpus-kestra": [str(CORPUS / "kestra")],
    "corpus-supabase-auth": [str(CORPUS / "supabase_auth")],
}


def _schema_json(paths: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(ROOT)  # paths in the output are relative to the working directory
    rel = [os.path.relpath(p, ROOT) for p in paths]
    r = CliRunner().invoke(main, ["schema", *rel, "--format", "json"])
    assert r.exit_code == 0, r.output
    data: dict[str, object] = json.loads(r.output)
    return data


@pytest.mark.parametrize("name", sorted(CASES))
def test_schema_json_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = CASES[name]
    if not all(Path(p).exists() for p in paths):
        pytest.skip(f"{name}: input absent (corpus not available)")
    got = _schema_json(paths, monkeypatch)
    golden = GOLDEN / f"{name}.json"
    text = json.dumps(got, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("PGARCH_UPDATE_GOLDENS"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}; run with PGARCH_UPDATE_GOLDENS=1"
    assert text == golden.read_text(encoding="utf-8")


def test_schema_text_shows_tables_keys_indexes_rls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    r = CliRunner().invoke(main, ["schema", "examples/multitenant"])
    assert r.exit_code == 0, r.output
    out = r.output
    for needle in (
        "table public.files",
        "pk_files",
        "ix_files__",
        "row level security: enabled, forced",
        "policies:",
    ):
        assert needle.lower() in out.lower(), needle


def test_schema_context_and_bad_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "history.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY);\n")
    (tmp_path / "new.sql").write_text("ALTER TABLE t ADD COLUMN note text;\n")
    r = CliRunner().invoke(
        main, ["schema", "new.sql", "--context", "history.sql", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    assert "note" in r.output and '"t"' in r.output
    r = CliRunner().invoke(main, ["schema", "missing.sql"])
    assert r.exit_code == 2 and "no such file" in r.output
