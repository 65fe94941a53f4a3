"""The results cache: what checking each file found, and the catalog, kept between runs.

A file's findings depend on its own text and on the catalog the files before it left, so each
file of a run gets a key made of everything its output may depend on: the key of the file
before it (a chain: every earlier file's path, place, context flag and content hash), its own
path, context flag and content hash, and the run's *environment* (the cache format,
pgarch-lint's version and the size and mtime of its source files, the interpreter, the
installed rule packs as the registry sees them, the effective settings and the selected rules).
A run's key adds the names of every installed rule (what ``unknown-suppression`` compares with).

What a run keeps, in ``<folder>/results/<project>/``:

- ``run-<run key>``: the report, and each file's :class:`FileOutput` (findings and notes
  before the whole-schema rules, statement count, used suppression comments), as plain
  tuples in ``marshal``'s format;
- ``snap-<file key>``: the catalog after that file (the one before the last of a run, see
  :func:`snapshot_points`);
- ``index``: the recent runs (at most :data:`KEEP_RUNS`), with their file keys and snapshots.

A run whose key has a record gets its report from it without parsing anything (pglast and the
rules are not even imported). Otherwise the longest prefix of unchanged files is taken from the
most similar recent run: the files up to the last snapshot inside that prefix are not read at
all (the snapshot is the catalog they left), the rest of the prefix is replayed without rules,
and the first changed file and every file after it are checked. The report is the same as
without the cache, byte for byte (tests/engine/test_results_cache.py).

Writes are atomic (a temporary file renamed over the entry), so concurrent runs never read a
torn entry; a missing, corrupt, truncated or foreign-format entry is a miss, never an error.
A kept catalog is a pickle, and unpickling only accepts the catalog's classes (a cache folder
could come from elsewhere: nothing in it can make the unpickler import or call anything else).
Entries that no kept run uses are deleted after each run that writes one, so the folder holds
at most :data:`KEEP_RUNS` runs. A folder that cannot be created or written turns the cache off
for the run (``--verbose`` says so).
"""

from __future__ import annotations

import contextlib
import io
import operator
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pgarch_lint import startup
from pgarch_lint.findings import Finding, FindingFix, Position, Report, Summary, TextEdit

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike
    from pgarch_lint.catalog import Catalog
    from pgarch_lint.config import Settings
    from pgarch_lint.files import FileInput

FORMAT = 1
KEEP_RUNS = 4  # recent runs kept (a pre-commit hook and CI runs alternate, --fix runs twice)
FOLDER = ".pgarch-lint-cache"  # at the project root, unless configured
_GITIGNORE = "# Created by pgarch-lint: its cache, never committed.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pgarch-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# settings that do not change what the engine finds (which files, the exit code, messages)
_SETTINGS_NOT_KEYED = frozenset(
    {"fail_on", "paths", "exclude", "source", "config_file", "cache_dir"}
)


class FileOutput(NamedTuple):
    """What checking one file produced before the whole-schema rules ran: its findings and
    notes (in the order they were made), its statement count, whether a statement did not
    parse, which of its suppression comments suppressed something, and how many it has."""

    findings: list[Finding]
    notes: list[str]
    statements: int
    unparsable: bool
    used: tuple[int, ...]  # indexes of the file's suppression directives that were used
    directives: int  # how many suppression directives the file has


class Resume(NamedTuple):
    """Where a run starts from. ``outputs[i]`` is the cached output of file *i*, None for a
    file that must be checked (then so must every file after it). Files before ``start`` are
    not read at all: ``catalog`` is the schema as they left it (None when ``start`` is 0).
    Files from ``start`` on with an output are replayed (catalog, counts) without rules."""

    outputs: Sequence[FileOutput | None]
    start: int = 0
    catalog: Catalog | None = None


# --- where -------------------------------------------------------------------------------------


def folder_for(settings: Settings, *, enabled: bool = True) -> Path | None:
    """The cache folder of a run: ``$PGARCH_LINT_CACHE_DIR``, else ``cache-dir`` of the
    configuration (relative to its folder), else ``.pgarch-lint-cache`` at the project root
    (the configuration's folder, or the current one). None when the cache is off
    (``--no-cache``, or ``PGARCH_LINT_NO_CACHE`` set)."""
    if not enabled or os.environ.get("PGARCH_LINT_NO_CACHE"):
        return None
    env = os.environ.get("PGARCH_LINT_CACHE_DIR")
    if env:
        return Path(env)
    if settings.cache_dir:
        return settings.root / settings.cache_dir
    return settings.root / FOLDER


def _prepare(folder: Path) -> None:
    """Create the folder, with a ``.gitignore`` and a ``CACHEDIR.TAG`` when it is new."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        _write(folder / name, text.encode())


def clean(folder: Path) -> bool:
    """Delete the results kept in ``folder`` (every project's); the folder itself too when
    nothing else is left in it but what pgarch-lint wrote. True when something was deleted."""
    import shutil

    found = False
    results = folder / "results"
    if results.is_dir():
        shutil.rmtree(results)
        found = True
    try:
        left = {e.name for e in os.scandir(folder)}
    except OSError:
        return found
    if left <= {".gitignore", "CACHEDIR.TAG"}:
        shutil.rmtree(folder)
        found = True
    return found


# --- keys --------------------------------------------------------------------------------------


def _hasher() -> Any:
    try:  # the builtin module: hashlib would load OpenSSL first (~2 ms)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import blake2b
    return blake2b


def _digest(*parts: bytes) -> bytes:
    h = _hasher()(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    digest: bytes = h.digest()
    return digest


def _code_signature() -> list[Any]:
    """Name, size and mtime of every source file of pgarch-lint (an editable install changes
    without a new version)."""
    here = os.path.dirname(os.path.abspath(__file__))
    out: list[Any] = []
    stack = [here]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.name.endswith(".py"):
                        st = e.stat()
                        out.append((e.path, st.st_size, st.st_mtime_ns))
                    elif e.is_dir() and e.name != "__pycache__":
                        stack.append(e.path)
        except OSError:
            out.append((d, None))
    out.sort()
    return out


def environment_key(settings: Settings, rules: Sequence[RuleLike]) -> bytes:
    """What every file's output depends on besides the files: see the module docstring."""
    from pgarch_lint import __version__
    from pgarch_lint.registry import installed_signature

    fields = {
        name: getattr(settings, name)
        for name in settings.__slots__
        if name not in _SETTINGS_NOT_KEYED
    }
    state = [
        FORMAT,
        __version__,
        sys.version,
        sys.prefix,
        _code_signature(),
        installed_signature(),
        sorted(fields.items()),
        [r.qualified_name for r in rules],
    ]
    return _digest(repr(state).encode("utf-8", "backslashreplace"))


def file_keys(env: bytes, inputs: Sequence[FileInput]) -> list[bytes]:
    """Each file's key: the chain of every file up to it (see the module docstring)."""
    keys = []
    key = env
    for f in inputs:
        key = _digest(
            key,
            f.path.encode("utf-8", "surrogatepass"),
            f.rel_path.encode("utf-8", "surrogatepass"),
            b"c" if f.context else b"x",
            _digest(f.data),
        )
        keys.append(key)
    return keys


def run_key(env: bytes, keys: Sequence[bytes], known: Sequence[str]) -> bytes:
    return _digest(env, keys[-1] if keys else b"", "\0".join(sorted(known)).encode())


def snapshot_points(n: int) -> set[int]:
    """After which files of a run of ``n`` files the catalog is kept: the one before the
    last. The next run edits the last file (it starts from there), or adds files after it
    (it starts from there too, and replays the last file without rules: milliseconds, where
    pickling the catalog once more would cost about a tenth of the run). Not in the middle
    of a history: old migrations are seldom edited, and an edit there replays the files
    before it without rules. None for a run of one file (a dump, a hook's one migration):
    the next run is the same or starts elsewhere."""
    return {n - 2} if n >= 2 else set()


# --- reading safely ----------------------------------------------------------------------------

_ALLOWED = ("pgarch_lint.catalog.", "pglast.enums.")  # and these modules' classes:
_ALLOWED_MODULES = frozenset({"pglast.ast", "pglast.visitors"})
_ALLOWED_NAMES = frozenset({("collections", "Counter")})


def _unpickler(data: bytes) -> Any:
    """An unpickler of ``data`` that accepts only the classes a cache entry holds (no
    function, no other module). ``pickle`` is imported here: a run served by the cache never
    unpickles anything."""
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if not (
                module.startswith(_ALLOWED)
                or module in _ALLOWED_MODULES
                or (module, name) in _ALLOWED_NAMES
            ):
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
            obj = super().find_class(module, name)
            if not isinstance(obj, type):
                raise pickle.UnpicklingError(f"{module}.{name} is not a class")
            return obj

    return Unpickler(io.BytesIO(data))


@contextlib.contextmanager
def _no_gc(freeze: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off: pickling a catalog allocates hundreds of thousands of
    objects, and the collections they trigger (finding nothing) cost as much as the pickling.

    ``freeze``: then move every object alive out of the collector's reach. An unpickled
    catalog lives to the end of the run, yet the next collection walks all of it (17 ms
    for a 1,200-file history's, a twelfth of a run after one file changed)."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


def _load(path: Path) -> Any:
    """An entry's content; None when it is missing or cannot be read back (any reason)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        from pgarch_lint.sql import trusted_nodes  # the nodes were valid when pickled

        with _no_gc(freeze=startup.ONE_RUN), trusted_nodes():  # (freeze: the process ends soon)
            return _unpickler(data).load()
    except Exception:  # corrupt, truncated, foreign: a miss
        return None


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a temporary file of this process renamed over the entry."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- a run -------------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """A kept run as the index lists it."""

    run: bytes
    files: tuple[bytes, ...]
    snapshots: frozenset[bytes]


class Plan:
    """The cache's part in one run: what it found (:attr:`report` when the whole run is
    known; else :meth:`resume`), the catalogs it keeps while the run goes
    (:meth:`checkpoint`) and what it writes at the end (:meth:`store`)."""

    def __init__(self, where: Path, keys: list[bytes], run: bytes) -> None:
        self.where = where
        self.keys = keys
        self.run = run
        self.report: Report | None = None
        self.unchanged = 0  # files at the start of the run whose output is known
        self._outputs: Sequence[FileOutput] = ()
        self._snapshot: int = -1  # the file after which a kept catalog is used (-1: none)
        self._points = snapshot_points(len(keys))
        self._snapshots: set[bytes] = set()  # catalogs this run uses or wrote
        self._entries: list[_Entry] = []
        self.failed = False  # writing failed: the folder is not usable

    # reading

    def _look_up(self, rules: Sequence[RuleLike]) -> None:
        record = _read_record(self.where, self.run, len(self.keys), outputs=False)
        if record is not None:
            self.report = Report(
                record.findings,
                record.summary,
                list(rules),
                notes=record.notes,
                unparsable=record.unparsable,
            )
            self.unchanged = len(self.keys)
            return
        self._entries = _read_index(self.where)
        best, best_n = None, 0
        for e in self._entries:
            present = set(e.files)
            n = 0  # keys are chained: the matching ones are a prefix
            while n < len(self.keys) and self.keys[n] in present:
                n += 1
            if n > best_n:
                best, best_n = e, n
        if best is None:
            return
        record = _read_record(self.where, best.run, len(best.files), report=False)
        if record is None:
            return
        by_key = dict(zip(best.files, record.outputs, strict=True))
        self._outputs = [by_key[k] for k in self.keys[:best_n]]
        self.unchanged = best_n
        kept = frozenset().union(*(e.snapshots for e in self._entries))
        for i in range(best_n - 1, -1, -1):
            if self.keys[i] in kept:
                self._snapshot = i
                break

    def resume(self) -> Resume | None:
        """How the engine starts: None when nothing is known."""
        if not self.unchanged:
            return None
        outputs: list[FileOutput | None] = list(self._outputs)
        outputs.extend([None] * (len(self.keys) - len(outputs)))
        if self._snapshot >= 0:
            key = self.keys[self._snapshot]
            catalog = _load(self.where / f"snap-{key.hex()}")
            if type(catalog).__name__ == "Catalog":
                self._snapshots.add(key)
                return Resume(outputs, self._snapshot + 1, catalog)
        return Resume(outputs, 0, None)

    # writing

    def checkpoint(self, index: int, catalog: Catalog) -> None:
        """Keep the catalog after file ``index`` when it is one of the points kept."""
        if index not in self._points or self.failed:
            return
        key = self.keys[index]
        path = self.where / f"snap-{key.hex()}"
        if not path.exists():
            import pickle

            derived = catalog.derived  # memoised analyses: rebuilt on demand
            catalog.derived = {}
            # pickled straight into the file (in frames), not into one bytes object first;
            # written under a temporary name and renamed over the entry, like every write
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                with _no_gc(), open(tmp, "wb") as fh:
                    pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump(catalog)
                os.replace(tmp, path)
            except Exception as exc:  # e.g. a tree too deep to pickle: no snapshot here
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                self.failed = isinstance(exc, OSError)  # a folder that cannot be written
                return
            finally:
                catalog.derived = derived
        self._snapshots.add(key)

    def store(self, report: Report, outputs: Sequence[FileOutput]) -> None:
        """Keep the run (its report and each file's output), list it first in the index and
        delete what no kept run uses."""
        if self.failed or self.report is not None:
            return
        older = [e for e in _read_index(self.where) if e.run != self.run]
        # catalogs kept by earlier runs at this run's points stay useful (not replayed now)
        place = {k: i for i, k in enumerate(self.keys)}
        for e in older:
            self._snapshots.update(k for k in e.snapshots if place.get(k, -1) in self._points)
        entry = _Entry(self.run, tuple(self.keys), frozenset(self._snapshots))
        entries = [entry, *older][:KEEP_RUNS]
        try:
            _write(self.where / f"run-{self.run.hex()}", _encode(self.run, report, outputs))
            _write_index(self.where, entries)
        except (OSError, ValueError):
            self.failed = True
            return
        _prune(self.where, entries)


# --- a run's record: plain tuples in marshal's format (fast, and it runs no code) ---------------


class _Record(NamedTuple):
    findings: list[Finding]
    notes: list[str]
    summary: Summary
    unparsable: frozenset[str]
    outputs: list[FileOutput]


def _encode(run: bytes, report: Report, outputs: Sequence[FileOutput]) -> bytes:
    """A run's record. A finding in both the report and a file's output is written once."""
    import marshal

    rows: dict[int, tuple[Any, ...]] = {}

    def row(f: Finding) -> tuple[Any, ...]:
        r = rows.get(id(f))
        if r is None:
            fix = None
            if f.fix is not None:
                edits = tuple(
                    (*_position(e.start), *_position(e.end), e.content) for e in f.fix.edits
                )
                fix = (f.fix.title, f.fix.applicability, edits)
            r = rows[id(f)] = (*_finding_fields(f), fix)
        return r

    summary = report.summary
    data = (
        FORMAT,
        run,
        [row(f) for f in report.findings],
        report.notes,
        (summary.files, summary.statements, list(summary.by_severity.items())),
        sorted(report.unparsable),
        [
            (
                [row(f) for f in o.findings],
                o.notes,
                o.statements,
                o.unparsable,
                o.used,
                o.directives,
            )
            for o in outputs
        ],
    )
    return marshal.dumps(data)


_FINDING_FIELDS = tuple(n for n in Finding.__slots__ if n != "fix")
_finding_fields = operator.attrgetter(*_FINDING_FIELDS)  # a finding's fields as a tuple (in C)


def _position(p: Position) -> tuple[int, int, int]:
    return p.line, p.column, p.offset


def _read_record(
    where: Path, run: bytes, n: int, *, report: bool = True, outputs: bool = True
) -> _Record | None:
    """The record of run ``run`` of ``n`` files; None when missing or not readable. Its
    findings are made only for what is asked: the ``report`` (a run with nothing changed)
    and/or the files' ``outputs`` (a run that starts from it: the report's whole-schema
    findings are made again)."""
    import marshal

    try:
        data = marshal.loads((where / f"run-{run.hex()}").read_bytes())
        if data[0] != FORMAT or data[1] != run or len(data[6]) != n:
            return None
        made: dict[int, Finding] = {}

        def finding(r: tuple[Any, ...]) -> Finding:
            f = made.get(id(r))
            if f is None:
                fix = r[-1]
                if fix is not None:
                    edits = tuple(
                        TextEdit(Position(*e[0:3]), Position(*e[3:6]), e[6]) for e in fix[2]
                    )
                    fix = FindingFix(fix[0], fix[1], edits)
                f = made[id(r)] = Finding(*r[:-1], fix)  # type: ignore[call-arg]  # the fields in order
            return f

        files, statements, counts = data[4]
        return _Record(
            [finding(r) for r in data[2]] if report else [],
            list(data[3]),
            Summary(files, statements, dict(counts)),
            frozenset(data[5]),
            [
                FileOutput([finding(r) for r in o[0]], list(o[1]), o[2], o[3], tuple(o[4]), o[5])
                for o in data[6]
            ]
            if outputs
            else [],
        )
    except Exception:  # missing, corrupt, truncated or foreign: a miss
        return None


def _read_index(where: Path) -> list[_Entry]:
    import marshal

    try:
        data = marshal.loads((where / "index").read_bytes())
        if data[0] != FORMAT:
            return []
        return [_Entry(r, tuple(f), frozenset(s)) for r, f, s in data[1]]
    except Exception:  # missing, corrupt or foreign: no runs known
        return []


def _write_index(where: Path, entries: list[_Entry]) -> None:
    import marshal

    data = (FORMAT, [(e.run, list(e.files), sorted(e.snapshots)) for e in entries])
    _write(where / "index", marshal.dumps(data))


def _prune(where: Path, entries: list[_Entry]) -> None:
    """Delete the runs and catalogs no kept run uses (and temporary files older than an hour:
    a run that died while writing)."""
    import time

    keep = {"index"}
    for e in entries:
        keep.add(f"run-{e.run.hex()}")
        keep.update(f"snap-{k.hex()}" for k in e.snapshots)
    old = time.time() - 3600
    try:
        with os.scandir(where) as it:
            for x in it:
                if x.name in keep:
                    continue
                try:
                    if x.name.endswith(".tmp") and x.stat().st_mtime > old:
                        continue
                    os.unlink(x.path)
                except OSError:
                    pass
    except OSError:
        pass


def project_folder(folder: Path, root: Path) -> Path:
    """Where a project's results live in a cache folder (several projects may share one)."""
    tag = _digest(str(root.resolve()).encode("utf-8", "surrogatepass")).hex()[:16]
    return folder / "results" / tag


def plan(
    folder: Path,
    settings: Settings,
    rules: Sequence[RuleLike],
    known: Sequence[str],
    inputs: Sequence[FileInput],
) -> Plan | str:
    """Look the run up in ``folder``: a :class:`Plan`, or why the cache cannot be used (the
    folder cannot be created or written)."""
    where = project_folder(folder, settings.root)
    try:
        _prepare(folder)
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{folder} cannot be created: {exc.strerror or exc}"
    if not os.access(where, os.W_OK | os.X_OK):
        return f"{folder} is not writable"
    env = environment_key(settings, rules)
    keys = file_keys(env, inputs)
    p = Plan(where, keys, run_key(env, keys, known))
    p._look_up(rules)
    return p
