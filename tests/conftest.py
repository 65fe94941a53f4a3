"""Shared fixtures.

``pg_server``: a throwaway PostgreSQL cluster for the live-mode tests (tests/e2e/test_live.py),
started once per session: ``initdb`` into a temporary directory, a free port on 127.0.0.1, the
unix socket in the same directory, durability switched off (``fsync``, ``full_page_writes``,
``synchronous_commit``) because nothing in it must survive. initdb refuses to run as root, so
as root the cluster runs as Debian's ``postgres`` user (via ``runuser``). The tests are skipped,
with the reason, only when no PostgreSQL server binaries can be found (or psycopg is missing).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_PASSWORD = "s3cr3t-Pa55word"  # the superuser's password: must never show in any output


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    bindir: Path

    def dsn(self, dbname: str, *, password: str | None = None) -> str:
        pw = self.password if password is None else password
        return f"postgresql://{self.user}:{pw}@{self.host}:{self.port}/{dbname}"


def _server_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found and Path(found).resolve().with_name("pg_ctl").exists():
        return Path(found).resolve().parent

    def version(p: str) -> float:
        try:
            return float(Path(p).parent.name)
        except ValueError:
            return 0.0

    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if (Path(cand) / "initdb").exists() and (Path(cand) / "pg_ctl").exists():
            return Path(cand)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[live]')")
    bindir = _server_bindir()
    if bindir is None:
        pytest.skip(
            "no PostgreSQL server found (initdb not on PATH nor in /usr/lib/postgresql/*/bin)"
        )
    tmp = Path(tempfile.mkdtemp(prefix="pgarch-live-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres system user
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(tmp, ignore_errors=True)
            pytest.skip("running as root and there is no 'postgres' system user for initdb")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = tmp / "data"
    pwfile = tmp / "pw"
    pwfile.write_text(PG_PASSWORD + "\n")
    if prefix:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
    port = _free_port()

    def run(*args: str) -> None:
        proc = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {proc.stdout}\n{proc.stderr}")

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--pwfile",
        str(pwfile),
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    )
    opts = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={tmp} "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    )
    try:
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(tmp / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
    except RuntimeError:
        log = (tmp / "log").read_text() if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
    try:
        yield PgServer("127.0.0.1", port, "postgres", PG_PASSWORD, bindir)
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    """Markers: ``slow`` (minutes; deselect with ``-m "not slow"``)."""
    config.addinivalue_line(
        "markers", "slow: takes minutes (e.g. the 50 MB file); deselect with -m 'not slow'"
    )


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read or write the user's ~/.cache/pgarch-lint."""
    monkeypatch.setenv("PGARCH_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
