"""How reports name the files of a run."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint import files
from pgarch_lint.files import _excluded, collect, display_path, is_down_file, natural_key

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


def _walk_reference(top: str, root: Path, lint_down: bool, exclude: list[str]) -> list[str]:
    """The definition of a folder's files: ``os.walk`` following symlinks, each folder once
    (by device and inode after following links), hidden folders left out, ``*.sql`` files
    that are not named pipes, sockets or devices, exclusions and down migrations applied to
    the path relative to the root (both resolved), in natural order."""
    seen: set[tuple[int, int]] = set()
    top_real = os.path.realpath(root)
    out: dict[str, None] = {}
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        st_ = os.stat(dirpath)
        if (st_.st_dev, st_.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st_.st_dev, st_.st_ino))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in filenames:
            f = str(Path(dirpath, fn))
            if not fn.lower().endswith(".sql"):
                continue
            try:
                mode = os.stat(f).st_mode
            except OSError:
                mode = stat.S_IFREG  # a dangling link: reading it says why
            if not stat.S_ISREG(mode):
                continue
            real = os.path.realpath(f)
            rel = os.path.relpath(real, top_real) if real.startswith(top_real + "/") else f
            if _excluded(rel, exclude) or (not lint_down and is_down_file(rel)):
                continue
            out.setdefault(f, None)
    return sorted(out, key=natural_key)


_NAMES = st.sampled_from(
    ["V1__a.sql", "V10__b.SQL", "V2__c.sql", "down.sql", "up.down.sql", "notes.txt", "x.sql"]
)
_FOLDERS = st.sampled_from(["m", "revert", ".hidden", "2024_01", "sub"])


@st.composite
def _trees(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(kind, path, target) entries of a folder tree: folders, files, links to a folder
    (an ancestor: a loop) or a file, dangling links and named pipes. Entries go in real
    folders only (a path through a link would name an entry twice)."""
    entries: list[tuple[str, str, str]] = []
    folders = [""]
    files: list[str] = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["dir", "file", "file", "link", "fifo", "dangling"]))
        parent = draw(st.sampled_from(folders))
        target = draw(st.sampled_from(folders + files)) if kind == "link" else ""
        to_folder = kind == "dir" or (kind == "link" and target in folders)
        path = f"{parent}/{draw(_FOLDERS if to_folder else _NAMES)}".lstrip("/")
        if any(path == e[1] for e in entries):
            continue
        entries.append((kind, path, target))
        if kind == "dir":
            folders.append(path)
        elif kind == "file":
            files.append(path)
    return entries


@pytest.mark.skipif(os.name == "nt", reason="symlinks and named pipes")
def test_collect_finds_what_os_walk_finds(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder is listed with directory entries (one ``stat`` per folder, none per plain
    file); what it finds, and each file's path relative to the root, is what the ``os.walk``
    definition finds, whatever the links, loops, hidden folders and pipes of the tree, from
    the folder itself, below it and above it."""

    @settings(max_examples=150, deadline=None)
    @given(
        _trees(),
        st.booleans(),
        st.sampled_from([[], ["m/**"], ["*.SQL", "sub"]]),
        st.sampled_from(["proj", "proj/m", "."]),
    )
    def check(
        tree: list[tuple[str, str, str]], lint_down: bool, exclude: list[str], at: str
    ) -> None:
        base = tmp_path_factory.mktemp("tree")
        proj = base / "proj"
        proj.mkdir()
        for kind, path, target in tree:
            p = proj / path
            if kind == "dir":
                p.mkdir()
            elif kind == "file":
                p.write_text("select 1;")
            elif kind == "fifo":
                os.mkfifo(p)
            elif kind == "dangling":
                p.symlink_to(proj / "nowhere.sql")
            else:
                p.symlink_to(proj / target if target else proj, target_is_directory=not target)
        monkeypatch.chdir(base)
        root = Path("proj")
        (base / "proj" / "m").mkdir(exist_ok=True)
        files._REAL.clear()
        files._RELS.clear()
        found = collect([at], root=root, exclude=exclude, lint_down=lint_down)
        assert [str(p) for p in found] == _walk_reference(at, root, lint_down, exclude)
        for p in found:  # the relative path worked out during the walk is the definition
            real = os.path.realpath(p)
            top = os.path.realpath(root)
            want = os.path.relpath(real, top) if real.startswith(top + "/") else str(p)
            assert files.relative_to_root(p, root) == want

    check()
