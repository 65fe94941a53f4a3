"""Real SQL written by others (../shared/corpus): no crash, no traceback, sane positions, and
the number of findings of every rule on every folder recorded in tests/golden/corpus_counts.json.

Any change to a rule, the catalog or the engine that changes what is reported on real projects
shows up here as a per-rule difference: read every finding that appeared or disappeared (``python
bench/snapshot.py take`` / ``diff`` lists them), then record the new counts with
``PGARCH_UPDATE_GOLDENS=1 .venv/bin/pytest tests/e2e/test_corpus.py``.

Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.files import collect
from pgarch_lint.registry import load_rules

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
COUNTS = Path(__file__).resolve().parents[1] / "golden" / "corpus_counts.json"
FOLDERS = [
    "danbooru",
    "ory_keto",
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
    if folder in (
        "hatchet",
        "langfuse",
        "kestra",
        "supabase_postgres",
        "supabase_auth",
        "hatchet_sqlc_queries",
        "danbooru",
        "ory_keto",
    ):
        # real migration histories parse completely once masked
        assert syntax == [], syntax[:5]
    else:
        # the regression suite contains deliberate errors, one finding per bad statement
        assert 0 < len(syntax) < report.summary.statements * 0.02

    counts = Counter(f.rule for f in report.findings)
    _check_counts(folder, {r: counts[r] for r in sorted(counts)})


def _check_counts(folder: str, counts: dict[str, int]) -> None:
    recorded = json.loads(COUNTS.read_text()) if COUNTS.exists() else {}
    if os.environ.get("PGARCH_UPDATE_GOLDENS"):
        recorded[folder] = counts
        COUNTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        return
    want = recorded.get(folder)
    assert want is not None, f"no recorded counts for {folder}: see the module docstring"
    changed = {
        r: f"{want.get(r, 0)} -> {counts.get(r, 0)}"
        for r in sorted(set(want) | set(counts))
        if want.get(r, 0) != counts.get(r, 0)
    }
    assert not changed, (
        f"findings per rule changed on {folder}: {changed}; read what appeared and disappeared "
        "(bench/snapshot.py), then record them (see the module docstring)"
    )
