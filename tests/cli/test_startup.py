"""pgarch_lint/startup.py: dataclass methods compiled in an earlier run are reused."""

from __future__ import annotations

import atexit
import dataclasses
import marshal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from console import console_script

from pgarch_lint import startup


@pytest.fixture(autouse=True)
def _restore_dataclasses() -> Iterator[None]:
    """Set up before monkeypatch, so torn down after it: nothing is left installed."""
    yield
    vars(dataclasses).pop("exec", None)


def _install(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[Callable[[], None]]:
    monkeypatch.setattr(startup, "_path", lambda: str(path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    saved: list[Callable[[], None]] = []
    monkeypatch.setattr(atexit, "register", saved.append)
    vars(dataclasses).pop("exec", None)
    startup.install()
    assert "exec" in vars(dataclasses)
    return saved


def _make() -> type:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        label: str = "p"

    return Point


def test_methods_are_kept_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "__pycache__" / "dataclass-methods.marshal"
    saved = _install(monkeypatch, path)
    point = _make()
    assert point(1) == point(1, "p") and repr(point(2)).endswith("Point(x=2, label='p')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point(1).x = 3  # type: ignore[misc]
    saved[0]()
    _magic, codes = marshal.loads(path.read_bytes())
    assert codes and all(isinstance(k, str) for k in codes)

    # the next run: the same class from the kept code, nothing compiled, nothing written
    saved = _install(monkeypatch, path)
    compiled: list[str] = []
    real_compile = compile
    monkeypatch.setattr(
        "builtins.compile", lambda *a, **k: compiled.append(a[0]) or real_compile(*a, **k)
    )
    again = _make()
    assert again(1) == again(1, "p") and hash(again(1)) == hash(again(1, "p"))
    assert compiled == []
    before = path.stat().st_mtime_ns
    saved[0]()
    assert path.stat().st_mtime_ns == before


def test_a_foreign_or_broken_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dataclass-methods.marshal"
    path.write_bytes(b"not marshal at all")
    _install(monkeypatch, path)
    assert _make()(1).label == "p"
    path.write_bytes(marshal.dumps((b"\x00\x00\r\n", {"x": 1})))
    _install(monkeypatch, path)
    assert _make()(1).label == "p"


def test_the_console_script_collects_garbage_less_often(tmp_path: Path) -> None:
    """A run allocates millions of objects that live to its end: the console script raises
    the collector's thresholds (the interpreter importing pgarch_lint keeps its own)."""
    r, thresholds = console_script(
        ["--version"],
        tmp_path,
        report="gc.get_threshold()",
        setup=["default = gc.get_threshold()"],
        after_import=["assert gc.get_threshold() == default"],
    )
    assert r.returncode == 0, r.stderr
    assert thresholds == "(100000, 20, 20)"


def test_a_check_with_findings_does_not_load_openssl(tmp_path: Path) -> None:
    """Fingerprints and cache keys hash with CPython's builtin modules: ``hashlib`` would load
    OpenSSL first (~2.5 ms of a run on one migration)."""
    (tmp_path / "V1__t.sql").write_text("CREATE TABLE t (x int);\nCREATE INDEX ON t (x);\n")
    for _ in range(2):  # without, then with the results cache
        r, openssl = console_script(
            ["check", ".", "--format", "json"], tmp_path, report="'_hashlib' in sys.modules"
        )
        assert '"fingerprint"' in r.stdout, r.stderr
        assert openssl == "False"
