"""How reports name the files of a run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint.files import display_path, natural_key

PARTS = st.sampled_from([".", "..", "", "a", "b", "x y.sql", "deep", "..a", "migrations"])


def _relpath_display(s: str) -> str:
    """The definition: relative to the current folder when below it, else as given."""
    rel = os.path.relpath(s)
    return s if rel.startswith("..") else rel


@pytest.mark.parametrize("depth", [0, 2])
def test_display_path_is_the_path_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int
) -> None:
    """Relative paths are normalised without asking the file system; paths that climb out
    of the current folder (and maybe back in), absolute paths and the folder itself give
    what ``os.path.relpath`` says."""
    here = tmp_path.joinpath(*["deep"] * depth)
    here.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(here)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(PARTS, min_size=1, max_size=7), st.sampled_from(["", "./", "/", "abs"]))
    def check(parts: list[str], lead: str) -> None:
        s = "/".join(parts)
        s = str(here) + "/" + s if lead == "abs" else lead + s
        if s:
            assert display_path(Path(s)) == _relpath_display(str(Path(s)))
            assert display_path(s) == _relpath_display(s)

    check()
    assert display_path(Path("migrations/./V1.sql")) == "migrations/V1.sql"
    assert display_path(Path(f"../{here.name}/V1.sql")) == "V1.sql"
    assert display_path(here / "V1.sql") == "V1.sql"


def _natural_reference(path: str) -> tuple[tuple[int, int | str], ...]:
    """The definition: digit runs compare as numbers, the text between them in lower case."""
    parts: list[tuple[int, int | str]] = []
    for i, piece in enumerate(re.split(r"(\d+)", path.replace(os.sep, "/"))):
        if i % 2:
            parts.append((0, int(piece)))
        elif piece:
            parts.append((1, piece.lower()))
    return tuple(parts)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB/_.-0123456789ΣΑ٣ ")), max_size=40))
def test_natural_key_sorts_digit_runs_as_numbers(path: str) -> None:
    assert natural_key(path) == _natural_reference(path)


def test_natural_order_of_migrations() -> None:
    names = ["V10__b.sql", "V2__a.sql", "v1__C.sql", "V1__b.sql", "V2__A.sql", "0010_x", "9_y"]
    assert sorted(names, key=natural_key) == [
        "9_y",
        "0010_x",
        "V1__b.sql",
        "v1__C.sql",
        "V2__a.sql",
        "V2__A.sql",
        "V10__b.sql",
    ]


def test_read_bytes_reads_what_path_read_bytes_reads(tmp_path: Path) -> None:
    from pgarch_lint.files import read_bytes

    for size in (0, 1, 65_535, 65_537, 3_000_001):
        f = tmp_path / f"f{size}.sql"
        f.write_bytes(bytes(i % 251 for i in range(size)))
        assert read_bytes(f) == f.read_bytes()
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "missing.sql")
    proc = Path("/proc/self/status")  # a size of 0 that is not empty
    if proc.exists():
        assert read_bytes(proc).startswith(b"Name:")
