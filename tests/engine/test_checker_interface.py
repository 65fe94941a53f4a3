"""The engine's interface to parallel.py (``parallel.Checker``), without forking: what a
worker returns and how the driver puts it back, and that parallel.py does not reach into the
engine."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from pgarch_lint import parallel
from pgarch_lint.api import Category, Context, Severity, Violation, rule
from pgarch_lint.api import ast as sql_ast
from pgarch_lint.config import Settings
from pgarch_lint.engine import Engine, FileInput

ROOT = Path(__file__).resolve().parents[2]

FILES = [
    FileInput("a.sql", b"UPDATE t SET a = 1;\nSELECT 1;\n"),
    FileInput(
        "b.sql",
        b"-- pgarch-lint: ignore[update-everything]\nUPDATE t SET a = 2;\nUPDATE t SET a = 3;\n",
    ),
    FileInput("c.sql", b"UPDATE t SET a = 4;\n"),
]


@rule(
    name="update-everything",
    category=Category.CORRECTNESS,
    severity=Severity.WARNING,
    summary="test rule",
    nodes=(sql_ast.UpdateStmt,),
    bad="UPDATE t SET a = 1;",
    good="SELECT 1;",
    fix="none",
)
def _update(node: sql_ast.UpdateStmt, ctx: Context) -> Iterator[Violation]:
    """Reports every UPDATE, and notes it."""
    ctx.note("an update")
    yield Violation("an update")


def _engine() -> Engine:
    return Engine(Settings(), [_update])


def test_the_engine_is_a_checker() -> None:
    engine: parallel.Checker = _engine()  # mypy checks the protocol; this checks the names
    for name in ("prepare_rules", "output_mark", "start_worker", "segment_output", "insert_output"):
        assert callable(getattr(engine, name))
    assert engine.rules_on is True


def test_a_segment_checked_elsewhere_and_put_back_gives_the_one_process_report() -> None:
    """Simulate one worker that checks b.sql: the driver replays it with the rules off, the
    worker (a second engine in the same state) checks it; its output goes back at the mark."""
    one = _engine().run(FILES, ["update-everything"])
    driver, worker = _engine(), _engine()
    driver.run_file(FILES[0])
    worker.run_file(FILES[0])
    mark = driver.output_mark()
    assert mark == (1, 1)
    worker.start_worker()
    assert (worker.findings, worker.notes, worker.summary.by_severity["warning"]) == ([], [], 0)
    worker.run_file(FILES[1])
    out = worker.segment_output()
    assert [f.line for f in out.findings] == [3] and out.counts["warning"] == 1
    assert out.used_suppressions == {"a.sql": [], "b.sql": [0]}
    driver.rules_on = False
    driver.run_file(FILES[1])
    driver.rules_on = True
    driver.run_file(FILES[2])
    driver.insert_output(mark, out)
    assert [(f.path, f.line) for f in driver.findings] == [(f.path, f.line) for f in one.findings]
    assert driver.notes == one.notes
    assert driver.summary.by_severity == one.summary.by_severity
    assert driver._files["b.sql"].suppressions.directives[0].used


def test_segment_output_pickles() -> None:
    import pickle

    engine = _engine()
    engine.run_file(FILES[0])
    out = engine.segment_output()
    back = pickle.loads(pickle.dumps(out))
    assert back == out and isinstance(back, parallel.SegmentOutput)
    assert [dataclasses.astuple(f) for f in back.findings] == [
        dataclasses.astuple(f) for f in out.findings
    ]


def test_parallel_does_not_import_the_engine() -> None:
    """Not at module level, not in a function (only for type checking would be allowed)."""
    tree = ast.parse((ROOT / "pgarch_lint" / "parallel.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not {m for m in imported if m.startswith("pgarch_lint.engine")}
