"""--jobs: worker processes forked at statement boundaries give exactly the one-process report."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint import parallel
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule
from pgarch_lint.cli import main
from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput, InternalError
from pgarch_lint.registry import load_rules

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="no os.fork here")

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture
def tiny_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for any input, every few statements: many workers even on small inputs."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_SEGMENT_BYTES", 1)
    monkeypatch.setattr(parallel, "SEGMENTS_PER_JOB", 1000)


def every_rule(settings: Settings | None = None) -> tuple[Settings, list[Any]]:
    rules = load_rules()
    s = settings or Settings(select=[c.value for c in Category])
    return s, select_rules(rules, s)


def fixture_inputs() -> list[FileInput]:
    """Every rule's bad and good fixtures, as one run (with the sidecar context files)."""
    out: list[FileInput] = []
    for p in sorted((ROOT / "fixtures").rglob("*.sql")):
        if p.name.endswith(".context.sql"):
            out.append(FileInput(f"{p.parent.name}/{p.name}", p.read_bytes(), context=True))
        else:
            out.append(FileInput(f"{p.parent.name}/{p.name}", p.read_bytes()))
    return out


EXTRA = [
    FileInput(
        "ctx/base.sql", b"CREATE TABLE base (id bigint PRIMARY KEY, t text);\n", context=True
    ),
    FileInput(
        "m/0001.sql",
        b"-- pgarch-lint: ignore[ban-drop-table] never used\n"
        b"BEGIN;\nALTER TABLE base ADD COLUMN n integer NOT NULL;\n"
        b"CREATE INDEX ix ON base (t);  -- pgarch-lint: ignore[require-concurrent-index-creation]\n"
        b"UPDATE base SET t = 'x';\nSELEC broken;\n"
        b"DO $$ BEGIN EXECUTE 'CREATE INDEX iy ON base (n)'; END $$;\n",
    ),
    FileInput("m/0002.sql", b"\xff\xfeCREATE TABLE bad_bytes (id int);\n"),
    FileInput("m/0003.sql", b"CREATE INDEX iz ON base (n, t);\nDROP TABLE base;\n"),
]


def report(jobs: int, inputs: list[FileInput], settings: Settings | None = None) -> Any:
    s, rules = every_rule(settings)
    r = Engine(s, rules).run(inputs, jobs=jobs)
    return (
        [dataclasses.astuple(f) for f in r.findings],
        r.notes,
        dataclasses.astuple(r.summary),
    )


@pytest.mark.usefixtures("tiny_segments")
@pytest.mark.parametrize(("jobs", "driver_checks"), [(2, True), (3, True), (2, False)])
def test_workers_give_the_one_process_report(
    jobs: int, driver_checks: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "DRIVER_CHECKS", driver_checks)
    if not driver_checks:  # every statement in a worker: segments of ~20 statements, not 1
        monkeypatch.setattr(parallel, "MIN_SEGMENT_BYTES", 2000)
    inputs = fixture_inputs() + EXTRA
    one = report(1, inputs)
    assert len(one[0]) > 500  # the fixtures are full of findings, of every kind
    rules_seen = {f[0] for f in one[0]}
    assert {
        "syntax-error",
        "unused-suppression",
        "ban-drop-table",
        "fk-missing-index",
    } <= rules_seen
    assert report(jobs, inputs) == one


@pytest.mark.usefixtures("tiny_segments")
def test_workers_keep_notes_and_suppressions_in_order() -> None:
    inputs = EXTRA
    one = report(1, inputs)
    two = report(2, inputs)
    assert two == one
    rules_seen = [f[0] for f in one[0]]
    # the directive of the first file suppressed nothing: reported once, by the driver
    assert rules_seen.count("unused-suppression") == 1


def test_small_inputs_never_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked for a small input")

    monkeypatch.setattr(os, "fork", no_fork)
    report(4, EXTRA)


@rule(
    name="explodes-on-marker",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="test rule",
    nodes=(ast.RangeVar,),
    bad="SELECT * FROM boom;",
    good="SELECT 1;",
    fix="none",
)
def _explode(node: ast.RangeVar, ctx: Context) -> Iterator[Violation]:
    """Fails (or kills its process) on tables named boom / die."""
    if node.relname == "boom":
        raise ValueError("kaboom")
    if node.relname == "die":
        os._exit(7)
    if node.relname == "seen":
        yield Violation("seen")


def _explode_inputs(name: str) -> list[FileInput]:
    body = "".join(f"SELECT * FROM seen WHERE x = {i};\n" for i in range(50))
    return [
        FileInput("a.sql", body.encode()),
        FileInput("b.sql", (body + f"SELECT * FROM {name};\n" + body).encode()),
    ]


@pytest.mark.usefixtures("tiny_segments")
def test_rule_error_in_a_worker_is_the_same_internal_error() -> None:
    inputs = _explode_inputs("boom")
    msgs = []
    for jobs in (1, 2):
        with pytest.raises(InternalError) as exc:
            Engine(Settings(), [_explode]).run(inputs, known_rule_names=["x"], jobs=jobs)
        msgs.append(str(exc.value))
    assert msgs[0] == msgs[1]
    assert "explodes-on-marker" in msgs[0] and "b.sql:51" in msgs[0] and "kaboom" in msgs[0]


@pytest.mark.usefixtures("tiny_segments")
def test_a_worker_that_dies_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "DRIVER_CHECKS", False)  # "die" must run in a worker
    inputs = _explode_inputs("die")
    with pytest.raises(InternalError, match="worker process exited with status 7"):
        Engine(Settings(), [_explode]).run(inputs, known_rule_names=["x"], jobs=2)
    # no worker is left behind
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.usefixtures("tiny_segments")
def test_cli_jobs_option(tmp_path: Path) -> None:
    files = [tmp_path / f"{i:03d}.sql" for i in range(30)]
    for i, f in enumerate(files):
        f.write_text(f"CREATE TABLE t{i} (id int);\nCREATE INDEX i{i} ON t{i} (id);\n")
    out = {}
    for j in ("1", "2", "4"):
        args = ["check", str(tmp_path), "--format", "json", "-j", j, "--no-cache"]
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 1, res.output
        out[j] = json.loads(res.stdout)
    assert out["1"] == out["2"] == out["4"]
    assert out["1"]["summary"]["files"] == 30
    res = CliRunner().invoke(main, ["check", str(tmp_path), "--jobs", "0"])
    assert res.exit_code == 2 and "--jobs" in res.output


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_histories_identical_with_two_jobs() -> None:
    """The real thing, with the default segment sizes: 800 migration files (1.2 MB)."""
    dirs = [
        str(CORPUS / d)
        for d in ("langfuse", "hatchet/cmd", "supabase_postgres", "kestra", "supabase_auth")
    ]
    cats = ",".join(c.value for c in Category)
    out = []
    for j in ("1", "2"):
        import subprocess

        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "pgarch_lint",
                "check",
                *dirs,
                "--format",
                "json",
                "--fail-on",
                "never",
                "--select",
                cats,
                "-j",
                j,
                "-v",
                "--no-cache",  # else the second run comes from the results cache
            ],
            capture_output=True,
            check=True,
        )
        out.append((p.stdout, p.stderr))
    assert out[0] == out[1]
    assert len(json.loads(out[0][0])["findings"]) > 1000


@pytest.mark.usefixtures("tiny_segments")
def test_fork_failure_falls_back_to_fewer_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A system out of processes (EAGAIN from fork) still gets the full report."""
    one = report(1, EXTRA)
    real_fork = os.fork
    calls = {"n": 0}

    def flaky_fork() -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", flaky_fork)
    assert report(3, EXTRA) == one
    assert calls["n"] >= 2
    monkeypatch.setattr(os, "fork", lambda: (_ for _ in ()).throw(OSError(12, "no memory")))
    assert report(2, EXTRA) == one


def test_default_jobs_follows_the_cores_up_to_four(monkeypatch: pytest.MonkeyPatch) -> None:
    for cores, jobs in ((1, 1), (2, 2), (3, 3), (64, 4)):
        monkeypatch.setattr(
            os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False
        )
        assert parallel.default_jobs() == jobs


_POOL = [
    "CREATE TABLE a (id bigint PRIMARY KEY, t text)",
    "CREATE TABLE b (id int, a_id bigint REFERENCES a (id))",
    "ALTER TABLE a ADD COLUMN n integer NOT NULL DEFAULT 0",
    "ALTER TABLE b ADD CONSTRAINT b_pk PRIMARY KEY (id)",
    "CREATE INDEX ix ON a (t)",
    "CREATE INDEX CONCURRENTLY iy ON b (a_id)",
    "DROP TABLE b",
    "DROP INDEX ix",
    "BEGIN",
    "COMMIT",
    "SET lock_timeout = '1s'",
    "UPDATE a SET t = 'x' WHERE n = 1",
    "SELECT * FROM a WHERE t = $1",
    "ALTER TABLE a RENAME COLUMN t TO u",
    "COMMENT ON TABLE a IS 'é'",
    "SELEC broken",
    "DO $$ BEGIN EXECUTE 'ALTER TABLE a ADD COLUMN z int'; END $$",
    "-- pgarch-lint: ignore[ban-drop-table]\nDROP TABLE a",
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_POOL), min_size=0, max_size=8), min_size=1, max_size=5),
    st.integers(min_value=2, max_value=3),
)
def test_any_split_gives_the_one_process_report(files: list[list[str]], jobs: int) -> None:
    """Property: wherever the workers' segments fall (one statement each here), in whichever
    files, the report is that of one process."""
    inputs = [
        FileInput(f"m/{i:03d}.sql", (";\n".join(stmts) + ";\n").encode())
        for i, stmts in enumerate(files)
    ]
    saved = (parallel.MIN_PARALLEL_BYTES, parallel.MIN_SEGMENT_BYTES, parallel.SEGMENTS_PER_JOB)
    parallel.MIN_PARALLEL_BYTES, parallel.MIN_SEGMENT_BYTES, parallel.SEGMENTS_PER_JOB = 0, 1, 1000
    try:
        assert report(jobs, inputs) == report(1, inputs)
    finally:
        parallel.MIN_PARALLEL_BYTES, parallel.MIN_SEGMENT_BYTES, parallel.SEGMENTS_PER_JOB = saved


def test_a_narrow_rule_selection_stays_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver replays every statement itself; workers only take the rules off it. So the
    input's size counts in proportion to the rules that check statements (whole-schema rules
    run in the driver): 400 kB with one such rule stays in one process, with the default
    rules it forks."""
    big = [FileInput("big.sql", b"CREATE TABLE t (id bigint PRIMARY KEY);\n" * 10_000)]
    assert len(big[0].data) > 2 * parallel.MIN_PARALLEL_BYTES
    forked: list[int] = []
    real_run = parallel.run

    def spy(checker: Any, steps: Any, jobs: int, *rest: Any) -> None:
        forked.append(jobs)
        real_run(checker, steps, jobs, *rest)

    monkeypatch.setattr(parallel, "run", spy)
    rules = load_rules()
    for select, fork in (
        (["ban-char-field"], False),
        (["naming"], False),  # whole-schema rules only: nothing for a worker
        (None, True),  # the default rules
    ):
        s = Settings(select=tuple(select)) if select else Settings()
        chosen = select_rules(rules, s)
        forked.clear()
        Engine(s, chosen).run(big, jobs=2)
        assert bool(forked) is fork, (select, forked)
    assert parallel.worthwhile(parallel.MIN_PARALLEL_BYTES, parallel.FULL_RULE_SET + 40)
    assert not parallel.worthwhile(parallel.MIN_PARALLEL_BYTES * 2, parallel.FULL_RULE_SET // 3)
    assert parallel.worthwhile(parallel.MIN_PARALLEL_BYTES * 2, parallel.FULL_RULE_SET // 2)
