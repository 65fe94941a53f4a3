"""``--since GIT_REF`` and ``--baseline`` / ``--write-baseline`` on a real temporary git history."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pgarch_lint.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# duplicate-index proves the history was replayed (the first index is in an earlier file);
# ban-drop-table and require-concurrent-index-creation give findings in old and new files.
SELECT = "duplicate-index,ban-drop-table,require-concurrent-index-creation"

INIT = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n"
OLD_DROP = "CREATE TABLE legacy (id bigint PRIMARY KEY);\nDROP TABLE legacy_orders;\n"
IDX1 = "CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);\n"
IDX2 = "CREATE INDEX CONCURRENTLY ix_orders__customer_id2 ON orders (customer_id);\n"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for k, v in {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(k, v)
    root = tmp_path / "proj"
    mig = root / "db" / "migrations"
    mig.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (mig / "V1__init.sql").write_text(INIT, encoding="utf-8")
    (mig / "V2__legacy.sql").write_text(OLD_DROP, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    (mig / "V3__index.sql").write_text(IDX1, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "second")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--select", SELECT, *args], catch_exceptions=False)


def findings(res: Result) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(res.stdout)
    return data["findings"]


def test_since_checks_only_changed_files_with_history_as_context(repo: Path) -> None:
    mig = repo / "db" / "migrations"
    (mig / "V10__dup.sql").write_text(IDX2, encoding="utf-8")  # natural order: after V3
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "third")
    res = run("--since", "HEAD~1", "--format", "json", "db/migrations")
    assert res.exit_code == 1, res.output
    fs = findings(res)
    assert {f["path"] for f in fs} == {"db/migrations/V10__dup.sql"}
    # the index of V3 (not checked, replayed as context) is known: the copy is a duplicate
    assert [f["rule"] for f in fs] == ["duplicate-index"]
    assert json.loads(res.stdout)["summary"]["files"] == 1
    # without --since every file is checked, the old DROP TABLE included
    res = run("--format", "json", "db/migrations")
    assert {f["rule"] for f in findings(res)} == {"duplicate-index", "ban-drop-table"}


def test_since_modified_file_and_nothing_changed(repo: Path) -> None:
    res = run("--since", "HEAD", "--format", "json", "db/migrations")
    assert res.exit_code == 0, res.output
    assert findings(res) == [] and json.loads(res.stdout)["summary"]["files"] == 0
    # an uncommitted edit of an old file counts as changed
    legacy = repo / "db" / "migrations" / "V2__legacy.sql"
    legacy.write_text(OLD_DROP + "-- edited\n", encoding="utf-8")
    res = run("--since", "HEAD", "--format", "json", "db/migrations")
    assert res.exit_code == 1
    assert {f["path"] for f in findings(res)} == {"db/migrations/V2__legacy.sql"}


def test_since_includes_untracked_and_renamed_files(repo: Path) -> None:
    mig = repo / "db" / "migrations"
    git(repo, "mv", "db/migrations/V2__legacy.sql", "db/migrations/V2__legacy_renamed.sql")
    (mig / "V11__new.sql").write_text(IDX2, encoding="utf-8")  # untracked
    res = run("--since", "HEAD", "--format", "json", "db/migrations")
    assert {f["path"] for f in findings(res)} == {
        "db/migrations/V2__legacy_renamed.sql",
        "db/migrations/V11__new.sql",
    }


def test_since_uses_the_merge_base(repo: Path) -> None:
    """Changes that landed on the base branch after the fork are not this branch's changes."""
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "db" / "migrations" / "V10__dup.sql").write_text(IDX2, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature work")
    git(repo, "checkout", "-q", "main")
    (repo / "db" / "migrations" / "V4__main_only.sql").write_text(
        "DROP TABLE main_only;\n", encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main moves on")
    git(repo, "checkout", "-q", "feature")
    res = run("--since", "main", "--format", "json", "db/migrations")
    assert {f["path"] for f in findings(res)} == {"db/migrations/V10__dup.sql"}


def test_since_errors_are_one_line_exit_2(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    res = run("--since", "origin/main", "db/migrations")
    assert res.exit_code == 2
    err = res.stderr.strip()
    assert err.startswith("pgarch-lint: error: --since origin/main: unknown git revision")
    assert "\n" not in err

    # a shallow clone: the hint says what to fetch
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo}", str(shallow))
    monkeypatch.chdir(shallow)
    res = run("--since", "origin/develop", "db/migrations")
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "pgarch-lint: error: --since origin/develop: unknown git revision "
        "(in a shallow clone, fetch it first: git fetch --depth=1 origin develop)"
    )

    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    (plain / "a.sql").write_text(INIT, encoding="utf-8")
    monkeypatch.chdir(plain)
    res = run("--since", "HEAD", "a.sql")
    assert res.exit_code == 2
    assert res.stderr.strip() == "pgarch-lint: error: --since HEAD: not inside a git repository"


def test_context_overlapping_paths_keeps_history_order(repo: Path) -> None:
    """The pre-commit setup: --context migrations/ plus the one changed file."""
    (repo / "db" / "migrations" / "V10__dup.sql").write_text(IDX2, encoding="utf-8")
    res = run("--format", "json", "--context", "db/migrations", "db/migrations/V10__dup.sql")
    fs = findings(res)
    assert [(f["path"], f["rule"]) for f in fs] == [
        ("db/migrations/V10__dup.sql", "duplicate-index")
    ]
    # an old file checked in place: V1 and V3 are replayed around it, nothing is duplicated
    res = run("--format", "json", "--context", "db/migrations", "db/migrations/V2__legacy.sql")
    assert [f["rule"] for f in findings(res)] == ["ban-drop-table"]
    assert json.loads(res.stdout)["summary"]["files"] == 1


# --- baseline --------------------------------------------------------------------------------


def test_baseline_round_trip(repo: Path) -> None:
    base = repo / "pgarch-lint-baseline.json"
    res = run("--write-baseline", str(base), "db/migrations")
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert "wrote" in res.stderr
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [(e["path"], e["rule"], e["count"]) for e in data["findings"]] == [
        ("db/migrations/V2__legacy.sql", "ban-drop-table", 1)
    ]
    assert not list(repo.glob(".pgarch-lint-baseline.json.*"))  # no temp file left behind

    res = run("--baseline", str(base), "--format", "json", "db/migrations")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)["summary"]
    assert findings(res) == [] and summary["findings"] == 0 and summary["errors"] == 0

    # moving the statement does not resurrect it (the fingerprint ignores lines) ...
    legacy = repo / "db" / "migrations" / "V2__legacy.sql"
    legacy.write_text("-- moved down\n\n" + OLD_DROP, encoding="utf-8")
    res = run("--baseline", str(base), "db/migrations")
    assert res.exit_code == 0, res.output
    # ... but a second identical statement is new (counts per key)
    legacy.write_text(OLD_DROP + "DROP TABLE legacy_orders;\n", encoding="utf-8")
    res = run("--baseline", str(base), "--format", "json", "db/migrations")
    assert res.exit_code == 1
    fs = findings(res)
    assert len(fs) == 1 and fs[0]["rule"] == "ban-drop-table"
    assert json.loads(res.stdout)["summary"]["errors"] == 1
    # a new problem elsewhere is reported
    (repo / "db" / "migrations" / "V10__dup.sql").write_text(IDX2, encoding="utf-8")
    legacy.write_text(OLD_DROP, encoding="utf-8")
    res = run("--baseline", str(base), "--format", "json", "db/migrations")
    assert [f["rule"] for f in findings(res)] == ["duplicate-index"]


def test_baseline_with_since(repo: Path) -> None:
    base = repo / "baseline.json"
    legacy = repo / "db" / "migrations" / "V2__legacy.sql"
    legacy.write_text(OLD_DROP + "-- touched\n", encoding="utf-8")
    assert run("--write-baseline", str(base), "db/migrations").exit_code == 0
    res = run("--since", "HEAD", "--baseline", str(base), "--format", "json", "db/migrations")
    assert res.exit_code == 0 and findings(res) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such baseline file"),
        ("{not json", "invalid JSON"),
        ('{"version": 99, "findings": []}', "baseline version 99 is not supported"),
        ("[1, 2]", "not a pgarch-lint baseline file"),
        ('{"version": 1, "findings": [{"path": "x"}]}', "baseline entry 0 is malformed"),
    ],
)
def test_bad_baseline_is_exit_2(repo: Path, content: str | None, expected: str) -> None:
    base = repo / "b.json"
    if content is not None:
        base.write_text(content, encoding="utf-8")
    res = run("--baseline", str(base), "db/migrations")
    assert res.exit_code == 2
    err = res.stderr.strip()
    assert err.startswith("pgarch-lint: error: ") and expected in err and "\n" not in err


def test_since_and_the_results_cache_give_the_uncached_report(repo: Path) -> None:
    """--since turns unchanged files into context: a cached run (the same one, or one with
    other files changed) must report what a run without the cache reports."""

    def both(*args: str) -> str:
        cached = run("--format", "json", *args)
        uncached = run("--format", "json", "--no-cache", *args)
        assert (cached.exit_code, cached.stdout) == (uncached.exit_code, uncached.stdout)
        return cached.stdout

    full = both("db/migrations")
    since = both("db/migrations", "--since", "HEAD~1")
    assert both("db/migrations", "--since", "HEAD~1") == since  # served by the cache
    assert json.loads(since)["summary"]["files"] == 1 and json.loads(full)["summary"]["files"] == 3
    assert both("db/migrations") == full  # the same files, all checked again
    (repo / "db" / "migrations" / "V2__legacy.sql").write_text(OLD_DROP + "\n-- edited\n")
    edited = both("db/migrations", "--since", "HEAD")  # only the edited file is checked
    paths = {f["path"] for f in json.loads(edited)["findings"]}
    assert paths == {"db/migrations/V2__legacy.sql"}
