"""The results cache (pgarch_lint/cache.py): a report is byte-identical with and without it.

Every comparison runs ``check`` twice on the same files, once with ``--no-cache``; the cache
folder is the test's own (``PGARCH_LINT_CACHE_DIR``, see tests/conftest.py).
"""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from console import console_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgarch_lint import cache, parallel
from pgarch_lint.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.name != "ci")
HISTORIES = ("kestra", "supabase_auth", "ory_keto", "hatchet/cmd")


def check(*args: str, cache_on: bool = True) -> tuple[int, str]:
    """Exit code and stdout of ``pgarch-lint check``."""
    extra = () if cache_on else ("--no-cache",)
    r = CliRunner().invoke(main, ["check", "--no-progress", *extra, *args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout


def same(*args: str) -> tuple[int, str]:
    """Check with the cache (it may or may not hold the run) and without: the same output."""
    cached = check(*args)
    assert cached == check(*args, cache_on=False)
    return cached


def cache_folder() -> Path:
    return Path(os.environ["PGARCH_LINT_CACHE_DIR"])


def runs_kept() -> list[Path]:
    return sorted(cache_folder().glob("results/*/run-*"))


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.sql") if p.is_file())


def test_a_second_run_comes_from_the_cache_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id int);\nCREATE INDEX ia ON a (id);\n")
    first = check(str(tmp_path), "--format", "json")
    assert len(runs_kept()) == 1
    r = CliRunner().invoke(main, ["check", "-v", str(tmp_path), "--format", "json"])
    assert (r.exit_code, r.stdout) == first
    assert "cache: 1 of 1 files unchanged" in r.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_reported_the_same_cold_and_warm(example: Path) -> None:
    for fmt in ("json", "text"):
        cold = same(str(example), "--format", fmt, "--select", "all")
        assert same(str(example), "--format", fmt, "--select", "all") == cold


def _edit_and_compare(folder: Path, *args: str) -> None:
    """Cold, warm, then after editing the last file, a middle file, deleting one, renaming
    one and adding one: with the cache, the same as without."""
    base = (str(folder), "--format", "json", *args)
    cold = same(*base)
    assert check(*base) == cold
    files = files_of(folder)
    with files[-1].open("a") as fh:
        fh.write("\nCREATE INDEX ix_cache_test ON cache_test_t (c);\n")
    same(*base)
    with files[len(files) // 2].open("a") as fh:
        fh.write("\nALTER TABLE cache_test_t ADD COLUMN d integer NOT NULL DEFAULT 0;\n")
    same(*base)
    files[1].unlink()
    same(*base)
    files[2].rename(files[2].with_name("zz_" + files[2].name))
    same(*base)
    (folder / "zzzz_new.sql").write_text("CREATE TABLE cache_test_t (c int);\nDROP TABLE x;\n")
    same(*base)
    assert len(runs_kept()) <= cache.KEEP_RUNS


@pytest.mark.parametrize("history", HISTORIES)
def test_corpus_histories_with_edits(history: str, tmp_path: Path) -> None:
    if not (CORPUS / history).is_dir():
        pytest.skip("../shared/corpus is not here")
    folder = tmp_path / "h"
    shutil.copytree(CORPUS / history, folder)
    _edit_and_compare(folder)


def test_examples_with_edits_context_and_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_SEGMENT_BYTES", 1)
    folder = tmp_path / "m"
    shutil.copytree(ROOT / "examples" / "migrations", folder)
    _edit_and_compare(folder, "--jobs", "2", "--select", "all")
    ctx = files_of(folder)[:-1]
    args = [a for p in ctx for a in ("--context", str(p))]
    same(*args, str(files_of(folder)[-1]), "--format", "json")


def test_a_changed_configuration_is_a_new_run(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id int);\nCREATE INDEX ia ON a (id);\n")
    cfg = tmp_path / "pgarch-lint.toml"
    cfg.write_text("pg-version = 17\n")
    first = same(str(tmp_path), "--format", "json")
    cfg.write_text('pg-version = 10\n[severity]\nmissing-comment = "error"\n')
    second = same(str(tmp_path), "--format", "json")
    assert first != second
    same(str(tmp_path), "--format", "json", "--ignore", "require-concurrent-index-creation")


def test_suppressions_and_whole_schema_rules_across_cached_files(tmp_path: Path) -> None:
    """A suppression comment in an unchanged file used only by a whole-schema rule, and one
    used by nothing, are judged the same when that file comes from the cache."""
    (tmp_path / "V1__a.sql").write_text(
        "-- pgarch-lint: ignore[table-missing-primary-key]\nCREATE TABLE a (x int);\n"
        "-- pgarch-lint: ignore[ban-drop-table]\nCREATE TABLE b (id int PRIMARY KEY);\n"
        "-- pgarch-lint: ignore[no-such-rule]\nSELECT 1;\n"
    )
    (tmp_path / "V2__b.sql").write_text("CREATE TABLE c (id int PRIMARY KEY);\n")
    args = (str(tmp_path), "--format", "json", "--select", "all")
    same(*args)
    (tmp_path / "V2__b.sql").write_text("CREATE TABLE c (x int);\n")
    same(*args)
    (tmp_path / "V3__c.sql").write_text("DROP TABLE b;\n")
    same(*args)


def test_fix_with_the_cache_writes_and_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = (
        "CREATE TABLE t (id int, at timestamp);\nCREATE INDEX it ON t (id);\n"
        "ALTER TABLE t ADD COLUMN v varchar(20);\n"
    )
    outcome = []
    for name, extra in (("a", ()), ("b", ("--no-cache",))):
        d = tmp_path / name
        d.mkdir()
        monkeypatch.chdir(d)
        (d / "V1__t.sql").write_text(src)
        check("V1__t.sql", "--format", "json")  # fills the cache for "a"
        r = CliRunner().invoke(main, ["check", "--fix", *extra, "V1__t.sql"])
        outcome.append((r.exit_code, r.stdout, (d / "V1__t.sql").read_text()))
    assert outcome[0] == outcome[1]
    assert outcome[0][2] != src


def test_baselines_are_applied_to_cached_reports(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id int);\nCREATE INDEX ia ON a (id);\n")
    base = tmp_path / "baseline.json"
    check(str(tmp_path), "--write-baseline", str(base))
    (tmp_path / "V2__b.sql").write_text("CREATE INDEX ib ON a (id);\n")
    got = same(str(tmp_path), "--baseline", str(base), "--format", "json")
    assert '"ib"' in got[1] or "V2__b.sql" in got[1]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign", "delete-snapshots"])
def test_a_damaged_cache_is_a_miss_never_an_error(tmp_path: Path, damage: str) -> None:
    for i in range(4):
        (tmp_path / f"V{i}__a.sql").write_text(f"CREATE TABLE t{i} (id int);\n")
    args = (str(tmp_path), "--format", "json")
    cold = same(*args)
    for p in cache_folder().glob("results/*/*"):
        if damage == "truncate":
            p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
        elif damage == "garbage":
            p.write_bytes(b"\x80\x05garbage" * 10)
        elif damage == "foreign":
            import pickle

            p.write_bytes(pickle.dumps({"format": -1}))
        elif p.name.startswith("snap-"):
            p.unlink()
    (tmp_path / "V3__a.sql").write_text("CREATE TABLE t3 (id int);\nDROP TABLE t0;\n")
    assert same(*args) != cold
    assert check(*args) == same(*args)


def test_the_unpickler_refuses_anything_but_cache_classes(tmp_path: Path) -> None:
    import pickle

    evil = tmp_path / "run-x"
    evil.write_bytes(pickle.dumps(os.system))
    assert cache._load(evil) is None
    evil.write_bytes(pickle.dumps(subprocess.Popen))
    assert cache._load(evil) is None


def test_an_unwritable_folder_runs_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("PGARCH_LINT_CACHE_DIR", str(blocker / "cache"))
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id int);\n")
    args = ["check", "-v", str(tmp_path / "V1__a.sql"), "--format", "json"]
    r = CliRunner().invoke(main, args)
    assert r.stderr.count("cache:") == 1 and "running without it" in r.stderr
    assert (r.exit_code, r.stdout) == check(*args[2:], cache_on=False)


def test_the_default_folder_is_at_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGARCH_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    proj = tmp_path / "proj"
    (proj / "db").mkdir(parents=True)
    (proj / "pgarch-lint.toml").write_text("pg-version = 16\n")
    (proj / "db" / "V1__a.sql").write_text("CREATE TABLE a (id int);\n")
    monkeypatch.chdir(proj / "db")
    check("V1__a.sql")
    assert (proj / ".pgarch-lint-cache" / ".gitignore").is_file()
    assert list((proj / ".pgarch-lint-cache").glob("results/*/run-*"))
    assert sorted(p.name for p in proj.iterdir()) == [
        ".pgarch-lint-cache",
        "db",
        "pgarch-lint.toml",
    ]
    r = CliRunner().invoke(main, ["clean"])
    assert r.exit_code == 0 and "deleted" in r.stdout
    assert not (proj / ".pgarch-lint-cache").exists()
    (proj / "pgarch-lint.toml").write_text('cache-dir = "build/lint-cache"\n')
    check("V1__a.sql")
    assert list((proj / "build" / "lint-cache").glob("results/*/run-*"))
    check("V1__a.sql", "--no-cache")
    monkeypatch.setenv("PGARCH_LINT_NO_CACHE", "1")
    shutil.rmtree(proj / "build")
    check("V1__a.sql")
    assert not (proj / "build").exists()


def test_an_edit_reads_only_the_text_of_cached_files_without_suppressions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole-schema finding placed in a file the cache kept needs only that file's text,
    unless the file has suppression comments (then it is split again to read them)."""
    import pgarch_lint.engine as engine

    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (x int);\n")  # no primary key
    (tmp_path / "V2__b.sql").write_text(
        "-- pgarch-lint: ignore[table-missing-primary-key]\nCREATE TABLE b (x int);\n"
    )
    (tmp_path / "V3__c.sql").write_text("CREATE TABLE c (id bigint PRIMARY KEY);\n")
    (tmp_path / "V4__d.sql").write_text("SELECT 1;\n")
    args = (str(tmp_path), "--format", "json", "--jobs", "1")
    cold = check(*args)
    assert '"table-missing-primary-key"' in cold[1]
    split: list[str] = []
    real = engine.load_source

    def spy(data: bytes, path: str, **kw: bool) -> object:
        split.append(Path(path).name)
        return real(data, path, **kw)

    monkeypatch.setattr(engine, "load_source", spy)
    with (tmp_path / "V4__d.sql").open("a") as fh:
        fh.write("-- edited\n")
    edited = check(*args)
    assert sorted(split) == ["V2__b.sql", "V4__d.sql"]  # V1: its text only; V3: kept catalog
    assert edited == check(*args, cache_on=False)


def test_nothing_changed_imports_neither_pglast_nor_the_engine_nor_rules(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id int);\nCREATE INDEX ia ON a (id);\n")
    code = (
        "import sys\n"
        "from pgarch_lint.cli import main\n"
        "try:\n"
        "    main(['check', 'V1__a.sql', '--format', 'json'])\n"
        "except SystemExit as e:\n"
        "    print('exit', e.code, file=sys.stderr)\n"
        "heavy = ('pglast', 'pickle', 'pgarch_lint.api', 'pgarch_lint.source', 'pgarch_lint.engine')\n"
        "bad = [m for m in sys.modules if m in heavy or m.startswith('pgarch_lint.rules')]\n"
        "print('loaded', bad, file=sys.stderr)\n"
    )

    def run() -> tuple[str, str]:
        r = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        return r.stdout, r.stderr.strip().splitlines()[-1]

    cold_out, cold = run()
    assert cold != "loaded []"
    warm_out, warm = run()
    assert warm == "loaded []" and warm_out == cold_out


def test_the_console_script_keeps_a_loaded_catalog_from_the_collector(tmp_path: Path) -> None:
    """After an edit, the console script unpickles the kept catalog and moves it out of the
    cyclic collector's reach (it lives to the end of a process that ends with the run); a
    caller importing the package (here: this test's process) keeps its collector as it is."""
    for n in range(1, 4):
        (tmp_path / f"V{n}__t.sql").write_text(f"CREATE TABLE t{n} (id bigint PRIMARY KEY);\n")

    def frozen() -> int:
        args = ["check", ".", "--jobs", "1", "--quiet", "--fail-on", "never"]
        r, count = console_script(args, tmp_path, report="gc.get_freeze_count()")
        assert r.returncode == 0, r.stderr
        return int(count)

    assert frozen() == 0  # cold: nothing loaded
    (tmp_path / "V3__t.sql").write_text("CREATE TABLE t3 (id bigint);\n")
    assert frozen() > 0  # the catalog after V2, loaded from the cache

    before = gc.get_freeze_count()
    catalog = tmp_path / "catalog.pickle"
    catalog.write_bytes(pickle.dumps([{"a": [1]} for _ in range(100)]))
    assert cache._load(catalog) is not None
    assert gc.get_freeze_count() == before


# --- properties --------------------------------------------------------------------------------

STATEMENTS = [
    "CREATE TABLE t{n} (id bigint PRIMARY KEY, a int, b text);",
    "CREATE TABLE u{n} (x int);",
    "ALTER TABLE t{m} ADD COLUMN c{n} integer NOT NULL DEFAULT 0;",
    "ALTER TABLE t{m} ALTER COLUMN a TYPE bigint;",
    "CREATE INDEX ix_{n} ON t{m} (a);",
    "CREATE INDEX CONCURRENTLY ix_c{n} ON t{m} (b);",
    "DROP TABLE IF EXISTS u{m};",
    "ALTER TABLE t{m} ADD CONSTRAINT fk_{n} FOREIGN KEY (a) REFERENCES t{n} (id);",
    "UPDATE t{m} SET a = 1;",
    "-- pgarch-lint: ignore[ban-drop-table]\nDROP TABLE t{m};",
    "-- pgarch-lint: ignore[require-concurrent-index-creation]\nSELECT 1;",
    "SELEC broken {n};",
    "DO $$ BEGIN EXECUTE 'CREATE INDEX iy{n} ON t{m} (a)'; END $$;",
    "ALTER TABLE t{m} RENAME TO t{n}_renamed;",
]

statement = st.builds(
    lambda i, n, m: STATEMENTS[i].format(n=n, m=m),
    st.integers(0, len(STATEMENTS) - 1),
    st.integers(0, 6),
    st.integers(0, 6),
)
file_text = st.lists(statement, min_size=1, max_size=4).map(lambda ss: "\n".join(ss) + "\n")
edit = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 20), file_text),
    st.tuples(st.just("insert"), st.integers(0, 20), file_text),
    st.tuples(st.just("delete"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("rename"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("config"), st.integers(0, 3), st.just("")),
)
CONFIGS = [
    "",
    "pg-version = 11\n",
    'preset = "strict"\nassume-in-transaction = true\n',
    '[per-file-ignores]\n"V1*" = ["ban-drop-table"]\n',
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=st.lists(file_text, min_size=1, max_size=6),
    edits=st.lists(edit, min_size=1, max_size=4),
    jobs=st.sampled_from(["1", "3"]),
)
def test_random_edits_give_the_uncached_report(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    history: list[str],
    edits: list[tuple[str, int, str]],
    jobs: str,
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_SEGMENT_BYTES", 1)
    monkeypatch.setenv("PGARCH_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    d = tmp_path_factory.mktemp("h")
    names = [f"V{i + 1}__m.sql" for i in range(len(history))]
    for name, text in zip(names, history, strict=True):
        (d / name).write_text(text)
    args = (str(d), "--format", "json", "--select", "all", "--jobs", jobs)
    same(*args)
    counter = len(names)
    for kind, at, text in edits:
        files = sorted(p.name for p in d.glob("*.sql"))
        if kind == "config":
            (d / "pgarch-lint.toml").write_text(CONFIGS[at])
        elif kind == "insert" or not files:
            counter += 1
            (d / f"V{counter}__m.sql").write_text(text or "SELECT 1;\n")
        elif kind == "change":
            (d / files[at % len(files)]).write_text(text)
        elif kind == "delete" and len(files) > 1:
            (d / files[at % len(files)]).unlink()
        elif kind == "rename":
            counter += 1
            (d / files[at % len(files)]).rename(d / f"V{counter}__renamed.sql")
        same(*args)
        assert check(*args) == check(*args, "--jobs", "1")


def test_a_record_reads_back_equal(tmp_path: Path) -> None:
    from pgarch_lint.findings import (
        Finding,
        FindingFix,
        Position,
        Report,
        Summary,
        TextEdit,
    )

    fix = FindingFix("t", "unsafe", (TextEdit(Position(1, 2, 3), Position(4, 5, 6), "x\n"),))
    a = Finding("r", "c", "error", "p.sql", 1, 2, 3, 4, "m", "h", "line", "fp", fix)
    b = Finding("s", "c", "info", "q.sql", 5, 6, 7, 8, "m2", "h2")
    out = cache.FileOutput([a], ["p.sql:1:2: note[r] n"], 3, True, (0, 2), 4)
    report = Report([a, b], Summary(2, 7, {"error": 1, "warning": 0, "info": 1}), notes=["n"])
    (tmp_path / f"run-{b'k'.hex()}").write_bytes(cache._encode(b"k", report, [out, out]))
    got = cache._read_record(tmp_path, b"k", 2)
    assert got is not None
    assert got.findings == [a, b] and got.notes == ["n"] and got.outputs == [out, out]
    assert got.summary == report.summary and got.unparsable == frozenset()
    assert got.findings[0] is got.outputs[0].findings[0]  # written once, read once
    assert cache._read_record(tmp_path, b"k", 3) is None
    # what a warm run reads, and what a run starting from this one reads
    only_report = cache._read_record(tmp_path, b"k", 2, outputs=False)
    assert only_report is not None and only_report.findings == [a, b] and not only_report.outputs
    only_outputs = cache._read_record(tmp_path, b"k", 2, report=False)
    assert only_outputs is not None and only_outputs.outputs == [out, out]
    assert not only_outputs.findings and only_outputs.summary == report.summary
