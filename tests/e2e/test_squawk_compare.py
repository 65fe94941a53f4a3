"""bench/squawk_compare.py: the statement splitter that places both tools' findings, the
reading of `--known` files, and (when squawk is installed) one end-to-end run on a made-up
examples folder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "squawk_compare.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("squawk_compare", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["squawk_compare"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


sc = _load()


def test_statements_skip_comments_quotes_and_dollar_bodies() -> None:
    text = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (a text DEFAULT 'x;y');\n"
        "/* block; /* nested; */ still */\n"
        "CREATE FUNCTION f() RETURNS int AS $body$\n"
        "  SELECT 1; SELECT 2;\n"
        "$body$ LANGUAGE sql;\n"
        "SELECT \"odd;name\", E'it\\'s;' FROM t\n"
    )
    assert sc.statement_spans(text) == [(2, 2), (4, 6), (7, 7)]


def test_finding_lines_map_to_their_statement() -> None:
    spans = [(1, 1), (3, 5), (7, 7)]
    assert [sc.statement_of(spans, n) for n in (1, 2, 4, 6, 7, 9)] == [0, 1, 1, 2, 2, 2]


def test_known_file(tmp_path: Path) -> None:
    known = tmp_path / "known.tsv"
    known.write_text("# path\tline\treason\nrule-a/01.sql\t3\twe know the table is new\n")
    assert sc.read_known(str(known)) == {("rule-a/01.sql", 3): "we know the table is new"}


@pytest.mark.skipif(not Path(sc.SQUAWK).exists(), reason="squawk is not installed")
def test_end_to_end(tmp_path: Path) -> None:
    ex = tmp_path / "examples"
    (ex / "ban-drop-database").mkdir(parents=True)
    (ex / "ban-drop-database" / "01.sql").write_text("DROP DATABASE archive;\n")
    (ex / "ban-drop-database" / "02.sql").write_text("SELECT 1;\n")
    out = subprocess.run(
        [sys.executable, str(SCRIPT), str(ex), "--jobs", "2"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "bad flagged 1/1 (100.0 %), good silent 1/1 (100.0 %)" in out
    assert "disagreements (statement level): 0" in out
