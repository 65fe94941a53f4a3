"""Finding the SQL files to check: folders walked recursively, natural order, exclusions."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from pgarch_lint.errors import ConfigError


@dataclass(frozen=True, slots=True)
class FileInput:
    """One input file: its bytes, how reports name it and whether it is only context."""

    path: str  # as shown in reports
    data: bytes
    context: bool = False
    rel_path: str = ""  # relative to the config root, for per-file-ignores
    fs_path: str = ""  # where the file lives (``--fix`` writes there); "" for stdin


_NUM = re.compile(r"(\d+)")


def natural_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key so that ``V2__`` sorts before ``V10__`` (digits compare as numbers)."""
    pieces = _NUM.split(path.replace(os.sep, "/") if os.sep != "/" else path)
    # odd places hold the digits (never empty); empty text between them is left out
    return tuple(
        [
            (0, int(piece)) if i % 2 else (1, piece.lower())
            for i, piece in enumerate(pieces)
            if piece
        ]
    )


def is_down_file(path: str) -> bool:
    """Whether ``path`` is a down/revert migration (Diesel, golang-migrate, sqitch)."""
    parts = path.replace("\\", "/").split("/")
    base = parts[-1].lower()
    if base == "down.sql" or base.endswith(".down.sql"):
        return True
    return "revert" in parts[:-1]


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for p in patterns:
        p = p.rstrip("/")
        if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p):
            return True
        if p.endswith("/**") and (rel + "/").startswith(p[:-2]):
            return True
        if fnmatch.fnmatchcase(rel, p + "/*") or rel.startswith(p + "/"):
            return True
    return False


def display_path(p: Path | str) -> str:
    """``p`` as shown in reports: relative to the current directory when below it, and always
    printable (bytes of a file name that are not UTF-8 are shown as ``\\xNN`` escapes instead
    of lone surrogates, which no report, hash or terminal can encode)."""
    rel = _relative(os.fspath(p))
    return _printable(str(p) if rel.startswith("..") else rel)


def _relative(s: str) -> str:
    """``os.path.relpath(s)``, without its work in the usual cases (this is called for every
    file of a run): a relative path that does not climb out of the current folder is itself,
    normalised; an absolute path below the current folder is what follows the folder."""
    if os.name != "nt":  # Windows: drives and letter case, relpath knows them
        norm = os.path.normpath(s)
        if not os.path.isabs(norm):
            if not norm.startswith(".."):
                return norm
        elif not norm.startswith("//"):
            cwd = os.getcwd()
            top = cwd if cwd.endswith(os.sep) else cwd + os.sep
            if norm.startswith(top):
                return norm[len(top) :]
    try:
        return os.path.relpath(s)
    except ValueError:  # pragma: no cover - other drive on Windows
        return ".."


def _printable(s: str) -> str:
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect(
    paths: Iterable[str],
    *,
    root: Path,
    exclude: Iterable[str] = (),
    lint_down: bool = False,
    skipped: list[str] | None = None,
    prune: AbstractSet[str] = frozenset(),
) -> list[Path]:
    """Expand files and folders into SQL files, in natural order, without duplicates.

    A file named explicitly is always checked (unless excluded); inside folders only ``*.sql``
    files are taken, down migrations are skipped unless ``lint_down``, and symlinked folders
    are followed once (loops are cut). Inside folders, named pipes, sockets and devices are
    skipped (reading a FIFO would block forever). A sub-folder that cannot be listed is an
    ``OSError``, unless ``skipped`` is given: then it is skipped and a line saying so is
    appended to it (never silently). Folders named in ``prune`` are not entered either.
    """
    exclude = list(exclude)
    out: dict[str, Path] = {}
    cwd = os.getcwd()
    top = real_path(root, cwd)
    prefix = top if top.endswith(os.sep) else top + os.sep
    root_key = os.fspath(root)
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            walk = _Walk(p, cwd, prefix, root_key, skipped, prune)
            for fs in walk.files():
                rel = _RELS.get((cwd, fs, root_key))
                if rel is None:
                    rel = _rel(Path(fs), root)
                if exclude and _excluded(rel, exclude):
                    continue
                if not lint_down and is_down_file(rel):
                    continue
                if fs not in out:
                    out[fs] = Path(fs)
        elif p.exists():
            if not _excluded(_rel(p, root), exclude):
                out.setdefault(str(p), p)
        else:
            raise ConfigError(f"{raw}: no such file or directory")
    return sorted(out.values(), key=lambda q: natural_key(str(q)))


class _Walk:
    """One folder of :func:`collect` walked: its ``*.sql`` files (paths as ``Path`` would
    print them) in the order ``os.walk(top, followlinks=True)`` finds them, hidden folders
    left out, each folder entered once (a symlink loop is cut). Directory entries tell a
    plain file from a folder without a system call; each folder costs one ``stat``."""

    __slots__ = ("cwd", "found", "prefix", "prune", "real", "root_key", "seen", "skipped", "top")

    def __init__(
        self,
        top: Path,
        cwd: str,
        prefix: str,
        root_key: str,
        skipped: list[str] | None,
        prune: AbstractSet[str] = frozenset(),
    ) -> None:
        self.top = top
        self.prune = prune  # names of folders not entered either
        self.cwd = cwd
        self.prefix = prefix
        self.root_key = root_key
        self.skipped = skipped
        self.found: list[str] = []
        self.seen: set[tuple[int, int]] = set()
        self.real: dict[str, str] = {}  # folder walked -> its real path

    def files(self) -> list[str]:
        """The files found, folder by folder (depth first; no recursion: a deep tree cannot
        exhaust the stack)."""
        todo: list[tuple[str, os.DirEntry[str] | None]] = [(os.fspath(self.top), None)]
        while todo:
            todo.extend(reversed(self.folder(*todo.pop())))
        return self.found

    def folder(
        self, path: str, entry: os.DirEntry[str] | None
    ) -> list[tuple[str, os.DirEntry[str]]]:
        """Take the files of ``path`` (``entry``: its directory entry in its parent; None for
        the top); return its sub-folders to walk, in the order listed."""
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            if self.skipped is None or os.path.samefile(exc.filename, self.top):
                raise
            self.skipped.append(f"{exc.filename}: cannot list the folder: {exc.strerror}")
            return []
        try:
            if entry is None:
                link = os.path.islink(path)
                st = os.stat(path)
            else:
                link = entry.is_symlink()
                st = entry.stat()
        except OSError:
            return []
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return []
        self.seen.add(key)
        # a folder's real path is its parent's plus its name unless it is a symlink (no lstat
        # of every path component, for every folder)
        parent, name = os.path.split(path)
        base = None if link else self.real.get(parent)
        real_dir = self.real[path] = (
            _join(base, name) if base is not None else real_path(path, self.cwd)
        )
        # what to put before a name: "." lists "x.sql", as Path(".", "x.sql") prints
        here = "" if path == "." else _join(path, "")
        if not here:
            self.real[""] = real_dir
        real_here = _join(real_dir, "")
        folders: list[tuple[str, os.DirEntry[str]]] = []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not e.name.startswith(".") and e.name not in self.prune:
                    folders.append((here + e.name, e))
                continue
            fn = e.name
            if not fn.lower().endswith(".sql"):
                continue
            fs = here + fn
            try:
                plain = e.is_file(follow_symlinks=False)
            except OSError:
                plain = False
            if plain:
                # its real path is its folder's plus its name, and its path relative to the
                # root follows (what _rel would work out)
                real = _REAL[(self.cwd, fs)] = real_here + fn
                if real.startswith(self.prefix):
                    rel = real[len(self.prefix) :]
                    if os.sep != "/":
                        rel = rel.replace(os.sep, "/")
                    _RELS[(self.cwd, fs, self.root_key)] = _printable(rel)
            elif _special(Path(fs)):
                continue
            self.found.append(fs)
        return folders


def _join(a: str, b: str) -> str:
    """``os.path.join(a, b)`` for a name ``b`` (or "" for ``a`` with a trailing separator)."""
    return a + b if a.endswith(os.sep) else f"{a}{os.sep}{b}"


def read_bytes(p: Path | str) -> bytes:
    """A file's content, as ``Path.read_bytes`` reads it (same errors) but without building a
    buffered file object: a run reads every file of a history."""
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        want = os.fstat(fd).st_size + 1  # a regular file in one read (no joined copy)
        while chunk := os.read(fd, max(want, 1 << 16)):
            chunks.append(chunk)
            want = 0
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _special(p: Path) -> bool:
    """A FIFO, socket or device (after following symlinks). A broken symlink is not special:
    reading it reports the error."""
    try:
        mode = p.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


_REAL: dict[tuple[str, str], str] = {}


def real_path(p: Path | str, cwd: str | None = None) -> str:
    """``os.path.realpath`` (what ``Path.resolve`` does), remembered: every file is resolved
    several times (its path relative to the config root, context/checked de-duplication) and
    each resolution costs an ``lstat`` per path component. ``cwd``: the current folder, when
    the caller has it."""
    path = os.fspath(p)
    # a relative path means something else in another folder
    key = (os.getcwd() if cwd is None else cwd, path)
    real = _REAL.get(key)
    if real is None:
        try:
            real = os.path.realpath(path)
        except OSError:
            real = os.path.abspath(path)
        _REAL[key] = real
    return real


_RELS: dict[tuple[str, str, str], str] = {}


def _rel(p: Path, root: Path) -> str:
    """``p`` relative to ``root`` (both resolved), remembered like :func:`real_path`: a run
    asks it for every file twice (exclusions, then per-file ignores)."""
    cwd = os.getcwd()
    key = (cwd, os.fspath(p), os.fspath(root))
    rel = _RELS.get(key)
    if rel is None:
        real, top = real_path(p, cwd), real_path(root, cwd)
        prefix = top if top.endswith(os.sep) else top + os.sep
        if real == top:
            rel = "."
        elif real.startswith(prefix):
            rel = real[len(prefix) :].replace(os.sep, "/")
        else:
            rel = p.as_posix()
        # file names that are not UTF-8: see display_path
        rel = _RELS[key] = _printable(rel)
    return rel


def relative_to_root(p: Path, root: Path) -> str:
    return _rel(p, root)


def is_excluded(p: Path, root: Path, patterns: Iterable[str]) -> bool:
    """Whether ``exclude`` patterns (relative to ``root``) leave ``p`` out of a run, as
    :func:`collect` would (the file need not exist: an editor's unsaved buffer)."""
    return _excluded(_rel(p, root), patterns)
