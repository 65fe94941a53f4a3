"""The command line contract: exit codes, stdin, output files, config errors, formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

from pgarch_lint import __version__
from pgarch_lint.cli import main

ROOT = Path(__file__).resolve().parents[2]
BAD = "CREATE INDEX ix_orders__status ON orders (status);\n"
GOOD = "CREATE INDEX CONCURRENTLY ix_orders__status ON orders (status);\n"


def run(args: list[str], input: str | bytes | None = None, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(main, args, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture()
def proj(tmp_path: Path) -> Path:
    (tmp_path / "migrations").mkdir()
    return tmp_path


def test_version() -> None:
    r = run(["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"pgarch-lint {__version__}"


def test_exit_codes(proj: Path) -> None:
    (proj / "bad.sql").write_text(BAD)
    (proj / "good.sql").write_text(GOOD)
    assert run(["check", "good.sql"], cwd=proj).exit_code == 0
    r = run(["check", "bad.sql"], cwd=proj)
    assert r.exit_code == 1
    assert "bad.sql:1:35: error[require-concurrent-index-creation]" in r.output
    assert run(["check", "bad.sql", "--fail-on", "never"], cwd=proj).exit_code == 0
    # only warnings (require-lock-timeout) below an error threshold pass
    r = run(
        ["check", "bad.sql", "--select", "require-lock-timeout", "--fail-on", "error"], cwd=proj
    )
    assert r.exit_code == 0 and "require-lock-timeout" in r.output


def test_stdin_with_filename(proj: Path) -> None:
    r = run(
        ["check", "-", "--stdin-filename", "migrations/0002.sql", "--format", "json"],
        input=BAD,
        cwd=proj,
    )
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert {f["path"] for f in data["findings"]} == {"migrations/0002.sql"}


def test_folder_natural_order_and_catalog_across_files(proj: Path) -> None:
    m = proj / "migrations"
    (m / "V10__index.sql").write_text("CREATE INDEX ix_t__a ON t (a);\n")
    (m / "V2__create.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY, a int);\n")
    r = run(
        [
            "check",
            "migrations",
            "--format",
            "json",
            "--select",
            "require-concurrent-index-creation",
        ],
        cwd=proj,
    )
    data = json.loads(r.output)
    # V2 runs before V10, so t exists when V10 indexes it: an existing table
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("migrations/V10__index.sql", 1)]
    assert data["summary"]["files"] == 2


def test_context_files_are_replayed_not_reported(proj: Path) -> None:
    (proj / "history.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY);\nDROP TABLE x;\n")
    (proj / "new.sql").write_text(
        "CREATE TABLE u (id bigint PRIMARY KEY);\nCREATE INDEX ix_u ON u (id);\n"
    )
    r = run(["check", "new.sql", "--context", "history.sql", "--format", "json"], cwd=proj)
    data = json.loads(r.output)
    assert all(f["path"] == "new.sql" for f in data["findings"])
    assert not any(f["rule"] == "ban-drop-table" for f in data["findings"])


def test_output_file_is_written_atomically(proj: Path) -> None:
    (proj / "bad.sql").write_text(BAD)
    out = proj / "report.json"
    r = run(["check", "bad.sql", "--format", "json", "--output", str(out)], cwd=proj)
    assert r.exit_code == 1 and r.output == ""
    assert json.loads(out.read_text())["summary"]["errors"] >= 1
    assert [p.name for p in proj.iterdir() if p.name.startswith(".report")] == []


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ("[tool.pgarch-lint]\nfoo = 1\n", "unknown key 'foo'"),
        ("[tool.pgarch-lint]\nselect = ['no-such-rule']\n", "unknown rule 'no-such-rule'"),
        ("[tool.pgarch-lint]\npg-version = 'seventeen'\n", "pg-version"),
        ("[tool.pgarch-lint]\nfail-on = 'sometimes'\n", "fail-on"),
        ("[tool.pgarch-lint.naming]\nindex = 'ix_{tabel}'\n", "unknown placeholder {tabel}"),
        ("[tool.pgarch-lint.severity]\nban-drop-table = 'fatal'\n", "severity"),
        ("[tool.pgarch-lint]\nselect = [\n", "invalid TOML"),
        ("[tool.pgarch-lint]\nmigration-unit = '^\\d{14}'\n", "has no capture group"),
        ("[tool.pgarch-lint]\nmigration-unit = '^(\\d{14'\n", "invalid regular expression"),
        ("[tool.pgarch-lint]\nmigration-unit = 14\n", "migration-unit"),
    ],
)
def test_bad_config_is_one_line_and_exit_2(proj: Path, config: str, needle: str) -> None:
    (proj / "pyproject.toml").write_text(config)
    (proj / "a.sql").write_text(GOOD)
    r = run(["check", "a.sql"], cwd=proj)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pgarch-lint: error:"), r.output
    assert needle in lines[0]


def test_bad_arguments_exit_2(proj: Path) -> None:
    assert run(["check", "missing.sql"], cwd=proj).exit_code == 2
    assert run(["check", "--select", "nope", "x.sql"], cwd=proj).exit_code == 2
    assert run(["check"], cwd=proj).exit_code == 2
    assert run(["check", "--format", "yaml", "x.sql"], cwd=proj).exit_code == 2
    r = run(["explain", "ban-drop-tabel"])
    assert r.exit_code == 2 and "did you mean 'ban-drop-table'" in r.output


def test_config_discovery_and_selection(proj: Path) -> None:
    (proj / "pgarch-lint.toml").write_text(
        'ignore = ["migration-safety"]\n[severity]\nban-drop-table = "info"\n'
        '[per-file-ignores]\n"legacy/*.sql" = ["ban-drop-table"]\n'
    )
    (proj / "legacy").mkdir()
    (proj / "legacy" / "old.sql").write_text("DROP TABLE a;\n")
    (proj / "migrations" / "m.sql").write_text(BAD + "DROP TABLE b;\n")
    sub = proj / "migrations"
    r = run(["check", ".", "--format", "json"], cwd=sub)  # config found upwards
    data = json.loads(r.output)
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("ban-drop-table", "info")]
    r = run(["check", "../legacy", "--format", "json"], cwd=sub)
    assert json.loads(r.output)["findings"] == []


def test_rules_and_explain() -> None:
    r = run(["rules", "--format", "json"])
    data = json.loads(r.output)
    names = {d["name"] for d in data}
    assert "require-concurrent-index-creation" in names
    r = run(["rules"])
    assert "ban-drop-table" in r.output
    r = run(["explain", "ban-drop-table"])
    assert r.exit_code == 0
    assert "## Why it matters" in r.output and "## Use instead" in r.output


def test_init_writes_config_once(proj: Path) -> None:
    (proj / "migrations" / "001.sql").write_text(
        "-- +goose Up\nCREATE TABLE a (id bigint PRIMARY KEY, tenant_id bigint);\n"
        "CREATE TABLE b (id bigint PRIMARY KEY, tenant_id bigint);\n"
        "CREATE TABLE c (id bigint PRIMARY KEY, tenant_id bigint);\n"
    )
    r = run(["init", "--yes"], cwd=proj)
    assert r.exit_code == 0, r.output
    text = (proj / "pgarch-lint.toml").read_text()
    assert "goose" in text and 'tenant-columns = ["tenant_id"]' in text
    assert "assume-in-transaction = true" in text
    # the written config is valid
    (proj / "x.sql").write_text("SELECT 1;\n")
    assert run(["check", "x.sql"], cwd=proj).exit_code == 0
    # never overwritten
    r = run(["init", "--yes"], cwd=proj)
    assert r.exit_code == 2 and "already exists" in r.output


def test_init_reads_the_project_not_its_dependencies_nor_hidden_folders(proj: Path) -> None:
    """Migrations under node_modules, .venv or .git (and hidden files) are someone else's:
    three dbmate files there do not outvote the project's goose migration, and the walk
    does not enter those folders at all."""
    (proj / "migrations" / "001.sql").write_text("-- +goose Up\nCREATE TABLE a (id bigint);\n")
    dbmate = "-- migrate:up\nCREATE TABLE t (id bigint, org_id bigint);\n"
    for folder in ("node_modules/pkg/db", ".venv/lib", ".git/x"):
        (proj / folder).mkdir(parents=True)
        for i in range(3):
            (proj / folder / f"00{i}.sql").write_text(dbmate)
    (proj / "migrations" / ".draft.sql").write_text(dbmate)
    entered: list[str] = []
    real_scandir = os.scandir

    def scandir(path: str) -> Any:
        entered.append(os.fspath(path))
        return real_scandir(path)

    with mock.patch("os.scandir", scandir):
        r = run(["init", "--yes"], cwd=proj)
    assert r.exit_code == 0, r.output
    text = (proj / "pgarch-lint.toml").read_text()
    assert "Migration tool detected: goose" in text and "org_id" not in text, text
    assert not [p for p in entered if "node_modules" in p or ".venv" in p or ".git" in p]


def test_init_appends_to_pyproject(proj: Path) -> None:
    (proj / "pyproject.toml").write_text('[project]\nname = "x"\n')
    r = run(["init", "--yes"], cwd=proj)
    assert r.exit_code == 0
    text = (proj / "pyproject.toml").read_text()
    assert "[tool.pgarch-lint]" in text and "[tool.pgarch-lint.tenancy]" in text
    (proj / "x.sql").write_text("SELECT 1;\n")
    assert run(["check", "x.sql"], cwd=proj).exit_code == 0


def _subprocess(args: list[str], cwd: Path, **kw):  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("NO_COLOR", None)
    env.update(kw.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "pgarch_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


def test_python_m_and_closed_pipe(proj: Path) -> None:
    many = "".join(f"CREATE INDEX ix_t__c{i} ON t (c{i});\n" for i in range(3000))
    (proj / "big.sql").write_text(many)
    r = _subprocess(["check", "big.sql"], proj)
    assert r.returncode == 1 and "big.sql:1:" in r.stdout
    # `| head -1`: the pipe closes early; no traceback, no BrokenPipe noise
    p = subprocess.run(
        f"{sys.executable} -m pgarch_lint check big.sql | head -1",
        shell=True,
        cwd=proj,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.stdout.count("\n") == 1
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr


def test_no_color_when_not_a_tty(proj: Path) -> None:
    (proj / "bad.sql").write_text(BAD)
    r = _subprocess(["check", "bad.sql"], proj)
    assert "\x1b[" not in r.stdout


def test_internal_error_is_one_line(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pgarch_lint import engine

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(engine.Engine, "run", boom)
    (proj / "a.sql").write_text(GOOD)
    r = run(["check", "a.sql"], cwd=proj)
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [
        "pgarch-lint: error: internal error: RuntimeError: kaboom (run with --debug for the traceback)"
    ]


def test_progress_bar_on_a_tty_only(proj: Path) -> None:
    import pty

    for i in range(60):
        (proj / "migrations" / f"{i:03d}.sql").write_text("SELECT 1;\n")
    master, slave = pty.openpty()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "pgarch_lint", "check", "migrations"],
            cwd=proj,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=60,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    err = b"".join(chunks).decode()
    assert p.returncode == 0
    assert "60/60" in err and "[" in err
    assert b"60/60" not in p.stdout
    # not a TTY, or --no-progress: no bar
    r = _subprocess(["check", "migrations"], proj)
    assert "60/60" not in r.stderr
    master, slave = pty.openpty()
    subprocess.run(
        [sys.executable, "-m", "pgarch_lint", "check", "migrations", "--no-progress"],
        cwd=proj,
        stdout=subprocess.PIPE,
        stderr=slave,
        timeout=60,
    )
    os.close(slave)
    try:
        data = os.read(master, 65536)
    except OSError:
        data = b""
    os.close(master)
    assert b"60/60" not in data


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        (
            "[tool.pgarch-lint.rules.too-many-indexes]\nmax-indexes = 0\n",
            "max-indexes must be at least 1",
        ),
        (
            '[tool.pgarch-lint.rules.fk-missing-explicit-actions]\nrequire = ["bogus"]\n',
            "'on-delete' or 'on-update'",
        ),
        (
            '[tool.pgarch-lint.rules.fk-missing-explicit-actions]\nrequir = ["on-delete"]\n',
            "unknown option 'requir' (did you mean 'require'?)",
        ),
        ("[tool.pgarch-lint.rules.ban-drop-table]\nx = 1\n", "this rule takes no options"),
        ("[tool.pgarch-lint.rules.no-such-rule]\nx = 1\n", "unknown rule 'no-such-rule'"),
    ],
)
def test_bad_rule_options_exit_2(proj: Path, config: str, needle: str) -> None:
    (proj / "pyproject.toml").write_text(config)
    (proj / "a.sql").write_text("SELECT 1;\n")
    r = run(["check", "a.sql"], cwd=proj)
    assert r.exit_code == 2
    [line] = r.output.strip().splitlines()
    assert needle in line, line


def test_rule_options_take_effect(proj: Path) -> None:
    sql = (
        "CREATE TABLE a (id bigint PRIMARY KEY);\n"
        "CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a ON DELETE CASCADE);\n"
    )
    (proj / "a.sql").write_text(sql)
    args = ["check", "a.sql", "--select", "fk-missing-explicit-actions", "--format", "json"]
    assert len(json.loads(run(args, cwd=proj).output)["findings"]) == 1
    (proj / "pyproject.toml").write_text(
        '[tool.pgarch-lint.rules.fk-missing-explicit-actions]\nrequire = ["on-delete"]\n'
    )
    assert json.loads(run(args, cwd=proj).output)["findings"] == []


def test_default_run_does_not_import_pydantic(proj: Path) -> None:
    (proj / "a.sql").write_text(BAD)
    code = (
        "import sys\n"
        "from pgarch_lint.cli import main\n"
        "try:\n"
        "    main(['check', 'a.sql'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pydantic' in sys.modules)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=proj, capture_output=True, text=True, timeout=60
    )
    assert r.stdout.strip().splitlines()[-1] == "False", r.stdout + r.stderr


def test_validated_config_is_cached_and_revalidated_on_change(proj: Path) -> None:
    cache = Path(os.environ["PGARCH_LINT_CACHE_DIR"])
    (proj / "a.sql").write_text("SELECT 1;\n")
    (proj / "pgarch-lint.toml").write_text("pg-version = 15\n")
    code = (
        "import sys\n"
        "from pgarch_lint.cli import main\n"
        "try:\n"
        "    main(['check', 'a.sql'])\n"
        "except SystemExit as e:\n"
        "    print('exit', e.code)\n"
        "print('pydantic' in sys.modules)\n"
    )

    def run_py() -> list[str]:
        r = subprocess.run(
            [sys.executable, "-c", code], cwd=proj, capture_output=True, text=True, timeout=60
        )
        return r.stdout.strip().splitlines()[-2:]

    before = set(cache.glob("config-*.json"))
    assert run_py() == ["exit 0", "True"]  # first run validates with pydantic
    assert len(set(cache.glob("config-*.json")) - before) == 1
    assert run_py() == ["exit 0", "False"]  # unchanged config: served from the cache
    (proj / "pgarch-lint.toml").write_text("pg-version = 'x'\n")
    r = run(["check", "a.sql"], cwd=proj)
    assert r.exit_code == 2 and "pg-version" in r.output  # a change is validated again
    r = run(["check", "a.sql"], cwd=proj)
    assert r.exit_code == 2  # and an invalid config is never cached


def test_validated_config_cache_follows_the_model(
    proj: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry written for another shape of the model (an older checkout of the same version
    that knew fewer keys) is never read back: the key covers the files defining the model."""
    import hashlib
    import types

    from pgarch_lint import __version__
    from pgarch_lint import config as cfg

    cache = Path(os.environ["PGARCH_LINT_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    raw = {"naming": {"index": "idx_{table}_{columns}"}}
    old_key = hashlib.sha256(
        json.dumps([__version__, raw], sort_keys=True, default=repr).encode()
    ).hexdigest()[:32]
    (cache / f"config-{old_key}.json").write_text(json.dumps({"naming": {"index": "x"}}))
    (proj / "pgarch-lint.toml").write_text('[naming]\nindex = "idx_{table}_{columns}"\n')
    s = cfg.load_settings(proj / "pgarch-lint.toml")
    assert s.naming.template("index") == "idx_{table}_{columns}" and s.naming.infer is True
    # touching the model's source changes the key: the next run validates again
    first = cfg.validated("x", raw)
    real_stat = os.stat

    def later(path: object, *a: object, **k: object) -> object:
        st = real_stat(path, *a, **k)  # type: ignore[arg-type]
        if str(path).endswith("config.py"):  # as if config.py had just been edited
            return types.SimpleNamespace(st_size=st.st_size, st_mtime_ns=st.st_mtime_ns + 1)
        return st

    monkeypatch.setattr(os, "stat", later)
    before = set(cache.glob("config-*.json"))
    assert cfg.validated("x", raw) == first
    assert len(set(cache.glob("config-*.json")) - before) == 1


def test_verbose_prints_notes_on_stderr(proj: Path) -> None:
    (proj / "q.sql").write_text("SELECT id FROM unknown_table WHERE a = 1;\n")
    args = ["check", "q.sql", "--select", "missing-index-for-query"]
    quiet = _subprocess(args, proj)
    assert quiet.returncode == 0 and "note[" not in quiet.stderr
    loud = _subprocess([*args, "--verbose"], proj)
    assert loud.returncode == 0
    assert (
        'q.sql:1:16: note[missing-index-for-query] "unknown_table" is not in the schema catalog'
        in loud.stderr
    )
    assert "note[" not in loud.stdout


def test_migration_unit_from_the_config_file(proj: Path) -> None:
    mig = proj / "migrations"
    (mig / "20210623162417000000_tuples.up.sql").write_text(
        "CREATE TABLE tuples (nid uuid NOT NULL, object text NOT NULL);\n"
    )
    (mig / "20210623162417000001_tuples.up.sql").write_text(
        "CREATE INDEX ix_tuples__nid ON tuples (nid);\n"
    )
    (mig / "20220512151000000000_indices.up.sql").write_text(
        "CREATE INDEX ix_tuples__object ON tuples (object);\n"
    )
    args = [
        "check",
        "migrations",
        "--select",
        "require-concurrent-index-creation",
        "--format",
        "json",
    ]
    before = json.loads(run(args, cwd=proj).output)["findings"]
    assert sorted(f["path"].rsplit("/", 1)[-1][:20] for f in before) == [
        "20210623162417000001",
        "20220512151000000000",
    ]
    (proj / "pgarch-lint.toml").write_text("migration-unit = '^(\\d{14})\\d{6}_'\n")
    after = json.loads(run(args, cwd=proj).output)["findings"]
    assert [f["path"].rsplit("/", 1)[-1][:20] for f in after] == ["20220512151000000000"]
