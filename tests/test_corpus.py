"""Real SQL written by others (../shared/corpus): no crash, no traceback, sane positions.

Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.files import collect
from pgarch_lint.registry import load_rules

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = [
    "postgres_regress",
    "hatchet",
    "hatchet_sqlc_queries",
    "langfuse",
    "kestra",
    "supabase_auth",
    "supabase_postgres",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_checks_cleanly(folder: str) -> None:
    root = CORPUS / folder
    if not root.is_dir():
        pytest.skip(f"corpus folder {root} is absent")
    settings = Settings(select=("all",))
    rules = select_rules(load_rules(), settings)
    paths = collect([str(root)], root=root)
    inputs = [FileInput(str(p), p.read_bytes()) for p in paths]
    report = Engine(settings, rules).run(inputs)  # an InternalError fails the test
    assert report.summary.files == len(paths) > 0
    lines = {str(p): p.read_bytes().count(b"\n") + 1 for p in paths}
    for f in report.findings:
        assert 1 <= f.line <= lines[f.path], f
        assert f.column >= 1 and (f.end_line, f.end_column) >= (f.line, f.column), f
    syntax = [f for f in report.findings if f.rule == "syntax-error"]
    if folder in ("hatchet", "langfuse", "kestra", "supabase_postgres", "supabase_auth",
                  "hatchet_sqlc_queries"):
        # real migration histories parse completely once masked
        assert syntax == [], syntax[:5]
    else:
        # the regression suite contains deliberate errors, one finding per bad statement
        assert 0 < len(syntax) < report.summary.statements * 0.02
