"""Configuration is found from the inputs' location (like ruff), `paths` says what a bare
`check` checks, and an input list that yields no SQL file is an error."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from pgarch_lint.cli import main

BAD = "CREATE INDEX ix_orders__status ON orders (status);\n"


def run(args: list[str], cwd: Path):  # type: ignore[no-untyped-def]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def project(root: Path, name: str, select: str) -> Path:
    (root / name / "migrations").mkdir(parents=True)
    (root / name / "pgarch-lint.toml").write_text(f'select = ["{select}"]\n')
    (root / name / "migrations" / "001.sql").write_text(BAD)
    return root / name


def test_config_is_found_from_the_inputs_not_the_working_directory(tmp_path: Path) -> None:
    project(tmp_path, "svc", "require-lock-timeout")
    r = run(["check", "svc/migrations", "-v"], tmp_path)  # from the monorepo root
    assert "[require-lock-timeout]" in r.stdout
    assert "[require-concurrent-index-creation]" not in r.stdout
    assert f"pgarch-lint: configuration: {tmp_path / 'svc' / 'pgarch-lint.toml'}" in r.stderr
    # --config wins
    (tmp_path / "other.toml").write_text('select = ["require-concurrent-index-creation"]\n')
    r = run(["check", "svc/migrations", "--config", "other.toml"], tmp_path)
    assert "[require-concurrent-index-creation]" in r.stdout
    assert "[require-lock-timeout]" not in r.stdout


def test_inputs_under_different_configs_are_an_error(tmp_path: Path) -> None:
    project(tmp_path, "a", "require-lock-timeout")
    project(tmp_path, "b", "require-concurrent-index-creation")
    r = run(["check", "a/migrations", "b/migrations"], tmp_path)
    assert r.exit_code == 2
    assert r.stderr.startswith("pgarch-lint: error: a/migrations is under ")
    assert "check each project separately, or pass --config" in r.stderr
    # the same project twice is fine
    (tmp_path / "a" / "migrations" / "002.sql").write_text(BAD)
    r = run(["check", "a/migrations/001.sql", "a/migrations/002.sql"], tmp_path)
    assert r.exit_code == 1 and r.stdout.count("[require-lock-timeout]") == 2


def test_bare_check_uses_the_configured_paths_else_the_current_folder(tmp_path: Path) -> None:
    proj = project(tmp_path, "svc", "require-lock-timeout")
    (proj / "pgarch-lint.toml").write_text(
        'select = ["require-lock-timeout"]\npaths = ["migrations"]\n'
    )
    (proj / "scratch.sql").write_text(BAD)  # outside the configured paths
    r = run(["check"], proj)
    assert r.exit_code == 1
    assert "migrations/001.sql" in r.stdout and "scratch.sql" not in r.stdout
    (proj / "pgarch-lint.toml").write_text('select = ["require-lock-timeout"]\n')
    r = run(["check"], proj)
    assert "migrations/001.sql" in r.stdout and "scratch.sql" in r.stdout


def test_no_sql_file_is_an_error_but_since_with_nothing_changed_is_not(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = run(["check", "empty"], tmp_path)
    assert r.exit_code == 2
    assert r.stderr == "pgarch-lint: error: no SQL file found in empty (nothing to check)\n"
    import subprocess

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "001.sql").write_text(BAD)
    for cmd in (
        ["git", "init", "-q"],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(cmd, cwd=tmp_path, check=True)
    r = run(["check", "m", "--since", "HEAD"], tmp_path)
    assert r.exit_code == 0
    assert "pgarch-lint: note: no SQL file under m changed since HEAD" in r.stderr
