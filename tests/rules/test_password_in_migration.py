"""password-in-migration must never repeat the secret it finds, in any output format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pgarch_lint.reporters import FORMATS

SECRET = "Tr0ub4dor-and-3-horses"
ONE_LINE = f"CREATE ROLE app_user LOGIN PASSWORD '{SECRET}';\n"
# the secret on a line of its own: the finding (at the role name) is on another line
SPLIT = f"CREATE ROLE app_user LOGIN\n    PASSWORD '{SECRET}';\n"
NO_SOURCE_LINE = [f for f in FORMATS if f != "text"]


def _run(tmp_path: Path, sql: str, fmt: str) -> str:
    path = tmp_path / "0001_roles.sql"
    path.write_text(sql, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pgarch_lint",
            "check",
            "--select",
            "password-in-migration",
            "--format",
            fmt,
            "--no-progress",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the finding is an error
    assert "password-in-migration" in proc.stdout
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("fmt", NO_SOURCE_LINE)
def test_secret_absent_from_machine_formats(tmp_path: Path, fmt: str) -> None:
    out = _run(tmp_path, ONE_LINE, fmt)
    assert SECRET not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_secret_absent_when_on_another_line(tmp_path: Path, fmt: str) -> None:
    out = _run(tmp_path, SPLIT, fmt)
    assert SECRET not in out


def test_secret_absent_from_text_on_one_line(tmp_path: Path) -> None:
    out = _run(tmp_path, ONE_LINE, "text")
    assert SECRET not in out


def test_text_points_at_role_name(tmp_path: Path) -> None:
    out = _run(tmp_path, SPLIT, "text")
    assert '0001_roles.sql:1:13: error[password-in-migration] role "app_user"' in out
