"""Hostile inputs through the real command line: findings or one clear error line, never a
traceback, and the right exit code (0/1 for findings, 2 for usage and I/O errors).

Big inputs are generated in tmp_path. The 50 MB file is marked ``slow`` (tests/conftest.py).
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pgarch_lint.cli import main
from pgarch_lint.testing import lint_sql

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
BAD_INDEX = "CREATE INDEX ix_t__c ON t (c);\n"  # require-concurrent-index-creation (error)
MEMORY_CAP = 8 << 30  # a child that goes wild fails with MemoryError instead of eating the box


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli(
    args: list[str], cwd: Path, *, input: bytes | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[bytes]:
    """``python -m pgarch_lint check --no-progress ARGS`` in a child process."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pgarch_lint", "check", "--no-progress", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env=env,
        preexec_fn=_cap_memory,
    )


def assert_findings_run(
    proc: subprocess.CompletedProcess[bytes], codes: tuple[int, ...] = (0, 1)
) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert proc.returncode in codes, (proc.returncode, err)
    assert "error:" not in err, err


def assert_one_error_line(stderr: str | bytes, returncode: int, *needles: str) -> str:
    err = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in err, err
    assert returncode == 2, (returncode, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pgarch-lint: error: "), err
    for n in needles:
        assert n in lines[0], (n, err)
    return lines[0]


def json_report(proc: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    assert_findings_run(proc)
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def invoke(args: list[str], cwd: Path) -> Result:
    """In-process ``check`` (for monkeypatched failures); stderr is kept apart."""
    old = os.getcwd()
    try:
        os.chdir(cwd)
        return CliRunner().invoke(main, ["check", "--no-progress", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


# --- empty, comments, odd line endings ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"   \n\t\r\n\f", b";;;\n;", b"\x00"],
    ids=["empty", "bom-only", "whitespace", "semicolons", "nul"],
)
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    write(tmp_path / "e.sql", data)
    rep = json_report(cli(["--format", "json", "e.sql"], tmp_path))
    assert rep["summary"]["files"] == 1
    assert [f["rule"] for f in rep["findings"] if f["rule"] != "syntax-error"] == []


def test_file_of_only_comments(tmp_path: Path) -> None:
    write(
        tmp_path / "c.sql",
        (
            "-- a comment ; 'with a quote\n/* block /* nested ; */ still */\n"
            "-- +goose Up\n-- pgarch-lint: ignore\n-- migrate:down\n/* the end */"
        ),
    )
    proc = cli(["--format", "json", "c.sql"], tmp_path)
    rep = json_report(proc)
    assert proc.returncode == 0 and rep["findings"] == []
    assert rep["summary"]["statements"] == 0


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    text = newline.join(
        [
            "CREATE TABLE a (id bigint PRIMARY KEY);",
            "",
            "  CREATE INDEX ix_t__c ON t (c);  -- line 3",
            "ALTER TABLE t ADD COLUMN d int; CREATE INDEX ix_t__d ON t (d);",
            "",
        ]
    )
    write(tmp_path / "m.sql", text)
    rep = json_report(
        cli(
            ["--format", "json", "--select", "require-concurrent-index-creation", "m.sql"], tmp_path
        )
    )
    got = [(f["line"], f["column"]) for f in rep["findings"]]
    assert got == [(3, 27), (4, 57)], rep["findings"]
    proc = cli(["--select", "require-concurrent-index-creation", "m.sql"], tmp_path)
    assert_findings_run(proc)
    out = proc.stdout.decode()
    assert "m.sql:3:27: error[require-concurrent-index-creation]" in out
    assert "\r" not in out  # the excerpt lines are cut at the line break


# --- big and deep ---------------------------------------------------------------------------


def test_1mb_single_statement_line(tmp_path: Path) -> None:
    values = ",".join(f"({i}, 'v{i}', $${i}$$)" for i in range(45_000))
    text = f"INSERT INTO t (a, b, c) VALUES {values};"
    assert len(text) > 1_000_000
    write(tmp_path / "big.sql", text)
    t0 = time.perf_counter()
    proc = cli(["--format", "json", "big.sql"], tmp_path)
    elapsed = time.perf_counter() - t0
    rep = json_report(proc)
    assert rep["summary"]["statements"] == 1
    assert elapsed < 60, elapsed


def test_1mb_line_of_many_statements(tmp_path: Path) -> None:
    """A minified dump: ~28,000 statements on one line. Every finding keeps its source line:
    before source.py shared one string per line, this took 24 GB and minutes."""
    text = "".join(f"CREATE INDEX ix_t__c{i} ON t (c{i});" for i in range(28_000))
    assert len(text) > 1_000_000
    write(tmp_path / "min.sql", text)
    t0 = time.perf_counter()
    proc = cli(
        ["--format", "json", "--select", "require-concurrent-index-creation", "min.sql"], tmp_path
    )
    elapsed = time.perf_counter() - t0
    rep = json_report(proc)
    assert proc.returncode == 1
    assert len(rep["findings"]) == 28_000
    assert all(f["line"] == 1 and f["column"] <= len(text) for f in rep["findings"])
    assert elapsed < 60, elapsed


def test_text_report_of_a_long_line_is_bounded(tmp_path: Path) -> None:
    text = "".join(f"CREATE INDEX ix_t__c{i} ON t (c{i});" for i in range(560))
    assert 19_000 < len(text) < 22_000
    write(tmp_path / "min.sql", text)
    r = invoke(["--select", "require-concurrent-index-creation", "min.sql"], tmp_path)
    assert r.exit_code == 1
    assert r.output.count("error[require-concurrent-index-creation]") == 560
    assert len(r.output) < 2_000_000, len(r.output)  # now ~23 MB


def test_10000_nested_parentheses(tmp_path: Path) -> None:
    text = "SELECT " + "(" * 10_000 + "1" + ")" * 10_000 + ";\n" + BAD_INDEX
    write(tmp_path / "deep.sql", text)
    rep = json_report(cli(["--format", "json", "deep.sql"], tmp_path))
    rules = [(f["line"], f["rule"]) for f in rep["findings"]]
    assert (1, "syntax-error") in rules
    assert (2, "require-concurrent-index-creation") in rules  # the next statement still linted


def test_20000_term_expression(tmp_path: Path) -> None:
    terms = "+".join(["1"] * 20_000)
    write(tmp_path / "long.sql", f"SELECT {terms};\n{BAD_INDEX}")
    t0 = time.perf_counter()
    proc = cli(["--format", "json", "long.sql"], tmp_path)
    elapsed = time.perf_counter() - t0
    rep = json_report(proc)
    got = {(f["line"], f["rule"]) for f in rep["findings"]}
    assert (2, "require-concurrent-index-creation") in got
    assert all(line == 2 for line, _ in got), got
    print(f"20,000-term SELECT: {elapsed:.1f} s")  # sql.walk is quadratic in the depth


DEEP = 3000
_TERMS = "+".join(["1"] * DEEP)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            f"CREATE TABLE t (a int CONSTRAINT ck_t__a CHECK (a < {_TERMS}));",
            id="naming-constraint-check",
        ),
        pytest.param(
            f"ALTER TABLE t ADD CONSTRAINT ck CHECK (a < {_TERMS}) NOT VALID;",
            id="naming-constraint-alter",
        ),
        pytest.param(f"CREATE INDEX CONCURRENTLY ix ON t (({_TERMS}));", id="naming-index"),
        pytest.param(
            "DO $$ BEGIN EXECUTE 'SELECT ' || " + " || ".join(["'1'"] * DEEP) + "; END $$;",
            id="plpgsql-dynamic-sql-injection",
        ),
        pytest.param(
            "SELECT " + "(SELECT " * 600 + "1" + ")" * 600 + ";",
            id="missing-index-for-query-subqueries",
        ),
        pytest.param(
            " UNION ".join(["SELECT a FROM t WHERE b = 1"] * 1200) + ";",
            id="missing-index-for-query-union",
        ),
        pytest.param(
            "SELECT * FROM t0 "
            + " ".join(f"JOIN t{i} ON t{i}.id = t{i - 1}.id" for i in range(1, 1200))
            + ";",
            id="missing-index-for-query-joins",
        ),
    ],
)
def test_deep_statements_do_not_crash_rules(text: str) -> None:
    lint_sql(text, rules=["all"])


def test_deep_statements_that_already_work() -> None:
    for text in [
        f"CREATE TABLE g (a int, b int GENERATED ALWAYS AS ({_TERMS}) STORED);",
        f"UPDATE t SET a = {_TERMS} WHERE a = {_TERMS};",
        "SELECT " + "CASE WHEN a THEN " * 900 + "1" + " END" * 900 + ";",
        "SELECT " + "f(" * 900 + "1" + ")" * 900 + ";",
        "SELECT * FROM t WHERE " + "NOT " * 900 + "a;",
        "DO $$ BEGIN " + "IF true THEN " * 900 + "PERFORM 1;" + " END IF;" * 900 + " END $$;",
        "SELECT ARRAY[" + ",".join(["1"] * 20_000) + "];",
        "SELECT * FROM t WHERE a IN (" + ",".join(map(str, range(20_000))) + ");",
    ]:
        lint_sql(text, rules=["all"])


# --- unterminated things ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,syntax_error",
    [
        ("SELECT $$abc\n;\n", True),
        ("SELECT $tag$abc $$ ; $TAG$\n", True),
        ("DO $$ BEGIN PERFORM 1; END\n", True),
        ("SELECT 'abc\n;", True),
        ("SELECT E'abc\\';\n", True),
        ('SELECT "abc;\n', True),
        ("SELECT U&'abc\n", True),
        ("SELECT 1 /* abc ;\n", False),
        ("SELECT 1; /* a /* b */\n", False),
        ("COPY t FROM stdin;\n1\tO'Brien\n", False),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n", True),
        ("CREATE TABLE t (a int\n", True),
        ("-- +goose StatementBegin\nCREATE INDEX ix ON t (c);\n", False),
    ],
)
def test_unterminated(tmp_path: Path, text: str, syntax_error: bool) -> None:
    write(tmp_path / "u.sql", text + "\n" + "\n" * 3)
    rep = json_report(cli(["--format", "json", "u.sql"], tmp_path))
    rules = [f["rule"] for f in rep["findings"]]
    assert ("syntax-error" in rules) == syntax_error, rep["findings"]


# --- binary and foreign encodings -------------------------------------------------------------


def test_binary_files(tmp_path: Path) -> None:
    rnd = random.Random(1234)
    d = tmp_path / "bin"
    write(d / "random.sql", bytes(rnd.randrange(256) for _ in range(20_000)))
    write(d / "nuls.sql", b"\x00" * 5000)
    write(
        d / "png.sql",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(3000)),
    )
    write(d / "gzip.sql", b"\x1f\x8b\x08\x00" + bytes(rnd.randrange(256) for _ in range(3000)))
    write(d / "utf16.sql", "CREATE INDEX ix ON t (c);\n".encode("utf-16"))
    write(d / "nul_inside.sql", b"CREATE TABLE t1 (a int);\x00\nCREATE INDEX ix ON t (c);\n")
    write(d / "zz_ok.sql", BAD_INDEX)
    rep = json_report(cli(["--format", "json", "bin"], tmp_path))
    by_file: dict[str, set[str]] = {}
    for f in rep["findings"]:
        by_file.setdefault(Path(f["path"]).name, set()).add(f["rule"])
    assert rep["summary"]["files"] == 7
    for name in ("random.sql", "png.sql", "gzip.sql", "utf16.sql"):
        assert "syntax-error" in by_file[name], (name, by_file)
    assert "require-concurrent-index-creation" in by_file["nul_inside.sql"]
    assert "require-concurrent-index-creation" in by_file["zz_ok.sql"]


def test_binary_on_stdin(tmp_path: Path) -> None:
    data = bytes(random.Random(7).randrange(256) for _ in range(5000))
    proc = cli(["--format", "json", "-", "--stdin-filename", "x.sql"], tmp_path, input=data)
    rep = json_report(proc)
    assert proc.returncode == 1 and rep["findings"][0]["rule"] == "syntax-error"


def test_win1252_file(tmp_path: Path) -> None:
    text = (
        "CREATE TABLE café (id bigint PRIMARY KEY);\n"
        "COMMENT ON TABLE café IS 'naïve – “quoted”';\n" + BAD_INDEX
    )
    write(tmp_path / "w.sql", text.encode("cp1252"))
    rep = json_report(cli(["--format", "json", "w.sql"], tmp_path))
    got = {(f["line"], f["column"], f["rule"]) for f in rep["findings"]}
    assert (1, 17, "syntax-error") in got  # the first non-UTF-8 byte, in characters
    msg = next(f["message"] for f in rep["findings"] if f["rule"] == "syntax-error")
    assert "0xe9" in msg
    assert (3, 1, "require-concurrent-index-creation") in got or any(
        r == "require-concurrent-index-creation" and line == 3 for line, _, r in got
    )


def test_win1252_corpus_file(tmp_path: Path) -> None:
    p = CORPUS / "postgres_regress/test/sql/postgres_regress/collate.windows.win1252.sql"
    if not p.is_file():
        pytest.skip("corpus absent")
    write(tmp_path / "w.sql", p.read_bytes())
    rep = json_report(cli(["--format", "json", "--select", "all", "w.sql"], tmp_path))
    assert any(
        f["rule"] == "syntax-error" and "invalid UTF-8" in f["message"] for f in rep["findings"]
    )


def test_stdin_filename_not_utf8(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"pgarch_lint",
            b"check",
            b"-",
            b"--stdin-filename",
            b"\xff.sql",
        ],
        cwd=tmp_path,
        input=BAD_INDEX.encode(),
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert_findings_run(proc)


def test_file_names_not_utf8(tmp_path: Path) -> None:
    """A file name with bytes that are not UTF-8 used to crash every rule (the fingerprint
    hashes the path) and every reporter; files.py now shows such bytes as \\xNN."""
    d = tmp_path / "m"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"\xff\xfe.sql"), "wb") as fh:
        fh.write(BAD_INDEX.encode())
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit", "markdown"):
        proc = cli(["--format", fmt, "m"], tmp_path)
        assert_findings_run(proc)
        assert proc.returncode == 1
        assert b"xfe.sql" in proc.stdout, (fmt, proc.stdout[:500])


# --- folders, links, unreadable and vanishing files -------------------------------------------


def test_directory_symlink_loops_terminate(tmp_path: Path) -> None:
    m = tmp_path / "m"
    write(m / "001_a.sql", BAD_INDEX)
    write(m / "sub" / "002_b.sql", BAD_INDEX)
    (m / "loop").symlink_to(".", target_is_directory=True)
    (m / "sub" / "up").symlink_to("..", target_is_directory=True)
    (m / "sub" / "again").symlink_to(m, target_is_directory=True)
    (m / "self").symlink_to("self")  # ELOOP, not *.sql: ignored
    rep = json_report(
        cli(
            ["--format", "json", "--select", "require-concurrent-index-creation", "m"],
            tmp_path,
            timeout=60,
        )
    )
    paths = sorted(f["path"] for f in rep["findings"])
    assert paths == ["m/001_a.sql", "m/sub/002_b.sql"], paths


def test_a_folder_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    """1,100 nested folders (Python's recursion limit is 1,000): the file at the bottom is
    checked (a recursive walk stopped with an internal error)."""
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        for _ in range(1100):  # relative steps: the whole path nears PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        Path("001_a.sql").write_text(BAD_INDEX)
        os.chdir(here)
        args = ["--format", "json", "--select", "require-concurrent-index-creation", "d"]
        rep = json_report(cli(args, tmp_path))
        assert [f["path"] for f in rep["findings"]] == ["d/" * 1100 + "001_a.sql"]
    finally:  # bottom up, by relative steps: pytest's recursive removal would fail on it
        os.chdir(tmp_path)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.remove(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(here)


def test_unreadable_file(tmp_path: Path) -> None:
    p = write(tmp_path / "m" / "secret.sql", BAD_INDEX)
    write(tmp_path / "m" / "ok.sql", BAD_INDEX)
    p.chmod(0)
    try:
        proc = cli(["m"], tmp_path)
        if os.access(p, os.R_OK):  # root (CI): chmod 000 does not stop reading
            assert_findings_run(proc)
        else:
            assert_one_error_line(proc.stderr, proc.returncode, "m/secret.sql", "ermission")
            assert proc.stdout == b""
    finally:
        p.chmod(0o644)


def test_unlistable_folder_is_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sub-folder that cannot be listed used to stop the run (and before that, was skipped
    silently): it is skipped, and a note on stderr says so."""
    write(tmp_path / "m" / "a.sql", BAD_INDEX)
    write(tmp_path / "m" / "locked" / "b.sql", BAD_INDEX)
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    r = invoke(["m"], tmp_path)
    assert r.exit_code == 1  # a.sql's finding
    assert (
        r.stderr
        == "pgarch-lint: note: skipped m/locked: cannot list the folder: Permission denied\n"
    )
    assert "m/a.sql" in r.stdout and "b.sql" not in r.stdout
    # the folder named on the command line is still an error
    monkeypatch.setattr(
        os,
        "scandir",
        lambda path=".": (_ for _ in ()).throw(
            PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        ),
    )
    r = invoke(["m"], tmp_path)
    assert_one_error_line(r.stderr, r.exit_code, "Permission denied")


def test_unreadable_entries_of_a_folder_are_skipped_with_a_note(tmp_path: Path) -> None:
    """A *.sql entry that cannot be read (a dangling link, as when a file is deleted between
    listing and reading; a symlink loop) is skipped with a note naming it, so a mistake in
    one file does not stop the review of the others; a file named on the command line that
    cannot be read is still an error."""
    write(tmp_path / "m" / "001.sql", BAD_INDEX)
    (tmp_path / "m" / "002.sql").symlink_to(tmp_path / "gone.sql")
    (tmp_path / "m" / "003.sql").symlink_to("003.sql")  # ELOOP
    proc = cli(["m"], tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [
        "pgarch-lint: note: skipped m/002.sql: cannot read: No such file or directory",
        "pgarch-lint: note: skipped m/003.sql: cannot read: Too many levels of symbolic links",
    ]
    assert b"m/001.sql" in proc.stdout
    proc = cli(["m/003.sql"], tmp_path)
    assert_one_error_line(proc.stderr, proc.returncode, "m/003.sql")


def test_file_vanishes_between_listing_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "m" / "001.sql", BAD_INDEX)
    write(tmp_path / "m" / "002.sql", BAD_INDEX)
    import pgarch_lint.files

    real = pgarch_lint.files.collect

    def collect(*args: Any, **kwargs: Any) -> list[Path]:
        found = real(*args, **kwargs)
        if any(p.name == "002.sql" for p in found):
            (tmp_path / "m" / "002.sql").unlink()  # gone once listed
        return found

    monkeypatch.setattr(pgarch_lint.files, "collect", collect)
    r = invoke(["m"], tmp_path)
    assert r.exit_code == 1
    assert (
        r.stderr == "pgarch-lint: note: skipped m/002.sql: cannot read: No such file or directory\n"
    )
    assert "m/001.sql" in r.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_in_folder_is_skipped(tmp_path: Path) -> None:
    """Reading a FIFO named *.sql found in a folder blocked forever; folders now take regular
    files only (a FIFO named on the command line, like <(...), is still read)."""
    write(tmp_path / "m" / "a.sql", BAD_INDEX)
    os.mkfifo(tmp_path / "m" / "pipe.sql")
    proc = cli(["--format", "json", "m"], tmp_path, timeout=60)
    rep = json_report(proc)
    assert rep["summary"]["files"] == 1


def test_many_files(tmp_path: Path) -> None:
    for i in range(1500):
        write(
            tmp_path / "m" / f"V{i}__step.sql",
            f"CREATE TABLE t{i} (id bigint PRIMARY KEY);\nCREATE INDEX ix_t{i - 1}__id ON t{max(i - 1, 0)} (id);\n",
        )
    t0 = time.perf_counter()
    rep = json_report(cli(["--format", "json", "--quiet", "m"], tmp_path))
    assert rep["summary"]["files"] == 1500
    assert time.perf_counter() - t0 < 120


# --- --output is atomic; inputs are never written ---------------------------------------------


def test_output_into_missing_folder(tmp_path: Path) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    proc = cli(["a.sql", "--output", "missing/dir/report.txt"], tmp_path)
    assert_one_error_line(proc.stderr, proc.returncode, "missing/dir")
    assert not (tmp_path / "missing").exists()
    assert proc.stdout == b""


def test_output_error_names_the_output_path(tmp_path: Path) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    proc = cli(["a.sql", "--output", "missing/report.txt"], tmp_path)
    line = assert_one_error_line(proc.stderr, proc.returncode)
    assert "missing/report.txt" in line and ".tmp" not in line, line


def test_output_write_failure_leaves_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    out = write(tmp_path / "out" / "report.json", b"OLD REPORT")
    import pgarch_lint.reporters as reporters

    def render(fmt: str, report: Any, fh: Any, **kw: Any) -> None:
        fh.write('{"partial": ')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reporters, "render", render)
    r = invoke(["a.sql", "--format", "json", "--output", "out/report.json"], tmp_path)
    assert_one_error_line(r.stderr, r.exit_code, "No space left on device")
    assert out.read_bytes() == b"OLD REPORT"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]  # no temp file left


def test_output_replaces_target_only_on_success(tmp_path: Path) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    out = write(tmp_path / "report.json", b"OLD")
    proc = cli(["a.sql", "--format", "json", "--output", "report.json"], tmp_path)
    assert_findings_run(proc)
    assert proc.returncode == 1 and proc.stdout == b""
    assert (
        json.loads(out.read_bytes())["findings"][0]["rule"] == "require-concurrent-index-creation"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sql", "report.json"]


def test_output_file_mode_follows_umask(tmp_path: Path) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    old = os.umask(0o022)
    try:
        proc = cli(["a.sql", "--output", "report.txt"], tmp_path)
    finally:
        os.umask(old)
    assert proc.returncode == 1
    assert stat.S_IMODE((tmp_path / "report.txt").stat().st_mode) == 0o644


def test_output_rename_failure_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.sql", BAD_INDEX)
    out = write(tmp_path / "out" / "report.json", b"OLD")

    def replace(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", os.fspath(dst))

    monkeypatch.setattr(os, "replace", replace)
    r = invoke(["a.sql", "--format", "json", "--output", "out/report.json"], tmp_path)
    assert_one_error_line(r.stderr, r.exit_code, "report.json")
    assert out.read_bytes() == b"OLD"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_inputs_are_never_written(tmp_path: Path) -> None:
    m = tmp_path / "migrations"
    write(m / "001.sql", "CREATE TABLE t (id int, c text);\r\n" + BAD_INDEX)
    write(
        m / "002.sql",
        b"\xef\xbb\xbf-- +goose Up\nALTER TABLE t ADD COLUMN d int NOT NULL;\n"
        b"-- +goose Down\nDROP TABLE t;\n",
    )
    write(m / "003.sql", b"CREATE TABLE caf\xe9 (a int);\n")
    write(m / "004.sql", "DROP TABLE t;  -- pgarch-lint: ignore[ban-drop-table]\n")
    past = time.time() - 3600
    for p in m.iterdir():
        os.utime(p, (past, past))
    before = _snapshot(m)
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit", "markdown"):
        proc = cli(
            ["migrations", "--select", "all", "--format", fmt, "--output", f"out/report.{fmt}"],
            tmp_path,
        )
        assert_findings_run(proc)
    proc = cli(["migrations", "--write-baseline", "out/baseline.json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = cli(
        ["migrations/003.sql", "--context", "migrations", "--baseline", "out/baseline.json"],
        tmp_path,
    )
    assert_findings_run(proc)
    assert _snapshot(m) == before


# --- 50 MB ------------------------------------------------------------------------------------


def pg_dump_like(target_bytes: int) -> str:
    """A schema dump as pg_dump writes it: header, tables of 20 columns, owners, comments
    (some non-ASCII), constraints, indexes, foreign keys, grants, views and plpgsql functions."""
    out = [
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbCdEf123\n\n",
        "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\n",
        "SELECT pg_catalog.set_config('search_path', '', false);\n\n",
    ]
    size = sum(len(s) for s in out)
    i = 0
    while size < target_bytes:
        t = f"app.t{i:06d}"
        cols = ",\n".join(
            f"    col_{k:02d} {('text', 'bigint', 'numeric(12,2)', 'timestamp with time zone', 'jsonb')[k % 5]}"
            + (" NOT NULL" if k % 3 == 0 else "")
            + (" DEFAULT now()" if k % 5 == 3 else "")
            for k in range(20)
        )
        parts = [
            f"--\n-- Name: t{i:06d}; Type: TABLE; Schema: app; Owner: app\n--\n\n",
            f"CREATE TABLE {t} (\n    id bigint NOT NULL,\n    tenant_id bigint NOT NULL,\n"
            f"    parent_id bigint,\n{cols}\n);\n\n",
            f"ALTER TABLE {t} OWNER TO app;\n\n",
            f"COMMENT ON TABLE {t} IS 'Entity {i}: données de référence — ünïcode ✓';\n\n",
            f"COMMENT ON COLUMN {t}.col_00 IS 'free text, it''s fine';\n\n",
            f"ALTER TABLE {t} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n"
            f"    SEQUENCE NAME {t}_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n"
            f"    NO MAXVALUE\n    CACHE 1\n);\n\n",
            f"ALTER TABLE ONLY {t}\n    ADD CONSTRAINT pk_t{i:06d} PRIMARY KEY (id);\n\n",
            f"CREATE INDEX ix_t{i:06d}__tenant_id ON {t} USING btree (tenant_id);\n\n",
            f"CREATE INDEX ix_t{i:06d}__col_01 ON {t} USING btree (col_01) WHERE (col_03 IS NOT NULL);\n\n",
        ]
        if i:
            parts.append(
                f"ALTER TABLE ONLY {t}\n    ADD CONSTRAINT fk_t{i:06d}__parent FOREIGN KEY (parent_id) "
                f"REFERENCES app.t{i - 1:06d}(id) ON DELETE CASCADE;\n\n"
            )
        parts.append(f"GRANT SELECT ON TABLE {t} TO reporting;\n\n")
        if i % 10 == 0:
            parts.append(
                f"CREATE FUNCTION app.touch_t{i:06d}() RETURNS trigger\n    LANGUAGE plpgsql\n"
                f"    AS $$\nBEGIN\n  NEW.col_03 := now();\n  IF NEW.col_01 < 0 THEN\n"
                f"    RAISE EXCEPTION 'négatif: %', NEW.col_01;\n  END IF;\n"
                f"  UPDATE {t} SET col_04 = '{{}}'::jsonb WHERE id = NEW.parent_id;\n"
                f"  RETURN NEW;\nEND;\n$$;\n\n"
                f"CREATE VIEW app.v_t{i:06d} AS\n SELECT id, tenant_id, col_00, col_01\n"
                f"   FROM {t}\n  WHERE (col_01 > 0);\n\n"
            )
        block = "".join(parts)
        out.append(block)
        size += len(block.encode())
        i += 1
    out.append("--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbCdEf123\n")
    return "".join(out)


@pytest.mark.slow
def test_50mb_dump(tmp_path: Path, record_property: Any) -> None:
    p = tmp_path / "dump.sql"
    p.write_text(pg_dump_like(50 * 1024 * 1024), encoding="utf-8")
    size = p.stat().st_size
    assert size >= 50 * 1024 * 1024
    env = {**os.environ, "NO_COLOR": "1"}
    t0 = time.perf_counter()
    with open(tmp_path / "out.txt", "wb") as out, open(tmp_path / "err.txt", "wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "pgarch_lint", "check", "--no-progress", "--quiet", "dump.sql"],
            cwd=tmp_path,
            stdout=out,
            stderr=err,
            env=env,
            preexec_fn=_cap_memory,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t0
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    record_property("elapsed_s", round(elapsed, 1))
    record_property("peak_rss_mb", round(peak_mb))
    summary = (tmp_path / "out.txt").read_text()
    print(
        f"50 MB dump ({size / 2**20:.1f} MiB): {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB; "
        f"{summary.strip()}"
    )
    assert_findings_run(
        subprocess.CompletedProcess([], child.returncode, b"", (tmp_path / "err.txt").read_bytes())
    )
    assert "in 1 file" in summary
    assert peak_mb < 1536, peak_mb
