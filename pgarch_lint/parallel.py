"""Checking on several cores: fork at a statement boundary, replay in order.

The catalog is replayed statement by statement, so the rules of statement *n* need the schema
as statements 1..n-1 left it. Shipping parse trees or catalogs between processes costs more
than building them (pglast nodes pickle slower than they parse), so the state is handed over
by ``fork()`` instead:

* the engine's run is a sequence of resumable steps, one per top-level statement
  (``Engine._steps``), each yielding the size of the SQL it processed;
* when a worker slot is free, the driver forks at the current step. The worker inherits the
  catalog, transaction state, open files and the half-consumed step generator, runs the next
  *segment* of steps (``segment`` bytes of SQL) with the rules on, writes its findings, notes,
  counts and used suppressions to a temporary file and exits. The driver replays the same
  segment with the rules off (parse and catalog: about a third of the cost) to reach the state
  after it;
* while every worker slot is busy, the driver runs steps itself with the rules on, so no core
  idles; it looks for finished workers between steps;
* at the end each worker's findings and notes are inserted where its segment lies in the
  sequence, so the report is exactly that of a one-process run; the whole-schema rules run
  in the driver afterwards.

Only where ``os.fork`` exists (Linux, macOS, BSDs); elsewhere ``--jobs`` runs one process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgarch_lint.engine import Engine

# Below this much checked SQL a single process is faster than forking (measured: the fork, the
# worker's result file and importing every rule module up front cost ~40 ms).
MIN_PARALLEL_BYTES = 192_000
MIN_SEGMENT_BYTES = 16_000
SEGMENTS_PER_JOB = 8  # smaller segments balance the end of the run better; each costs a fork
DRIVER_CHECKS = True  # the driver checks statements itself while every worker is busy (tests
# turn it off to have every statement checked by a worker)


MAX_DEFAULT_JOBS = 4  # the driver replays ~3 segments while a worker checks one: more jobs
# than this rarely help, and a container's CPU quota may be far below the cores it can see


def default_jobs() -> int:
    """The cores this process may run on, at most MAX_DEFAULT_JOBS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def worthwhile(checked_bytes: int) -> bool:
    return can_fork() and checked_bytes >= MIN_PARALLEL_BYTES


def segment_size(checked_bytes: int, jobs: int) -> int:
    return max(MIN_SEGMENT_BYTES, checked_bytes // (jobs * SEGMENTS_PER_JOB))


class _Worker:
    """A forked worker and where its results go (a plain class: this module is imported by
    every run, and a dataclass costs ~0.3 ms to create)."""

    __slots__ = ("done", "findings_at", "notes_at", "pid", "result", "status")

    def __init__(self, pid: int, result: str, findings_at: int, notes_at: int) -> None:
        self.pid = pid
        self.result = result  # path of its result file
        self.findings_at = findings_at  # where its findings and notes go in the driver's lists
        self.notes_at = notes_at
        self.done = False
        self.status = 0


def run(
    engine: Engine, steps: Iterator[int], jobs: int, segment: int, at_end: Callable[[], None]
) -> None:
    """Consume ``steps`` with up to ``jobs - 1`` worker processes besides this one, then call
    ``at_end`` (while the last workers may still run) and merge what the workers found."""
    import tempfile

    _prepare(engine)
    try:
        tmp = tempfile.mkdtemp(prefix="pgarch-lint-")
    except OSError:  # no temporary folder: one process
        for _ in steps:
            pass
        at_end()
        return
    workers: list[_Worker] = []
    try:
        exhausted = False
        while not exhausted:
            running = sum(1 for w in workers if not w.done and not _finished(w))
            if running < jobs - 1:
                try:
                    w = _fork(engine, steps, segment, os.path.join(tmp, f"{len(workers)}.pickle"))
                except OSError:  # out of processes or memory: go on with the workers we have
                    jobs = running + 1
                    if not running:
                        exhausted = _advance(steps, segment)
                    continue
                workers.append(w)
                engine.rules_on = False  # replay the worker's segment: state only
                try:
                    exhausted = _advance(steps, segment)
                finally:
                    engine.rules_on = True
            elif DRIVER_CHECKS or not running:
                exhausted = _advance(steps, 1)  # one statement, rules on, then look again
            else:
                _wait_any(workers)
        at_end()
        while any(not w.done for w in workers):
            _wait_any(workers)
        _merge(engine, workers)
    except BaseException:
        for w in workers:
            if not w.done:
                _kill(w.pid)
        raise
    finally:
        for w in workers:
            with contextlib.suppress(OSError):
                os.unlink(w.result)
        with contextlib.suppress(OSError):
            os.rmdir(tmp)


def _advance(steps: Iterator[int], amount: int) -> bool:
    """Run steps until ``amount`` bytes of SQL were processed; True when none are left."""
    done = 0
    while done < amount:
        try:
            done += next(steps)
        except StopIteration:
            return True
    return False


def _prepare(engine: Engine) -> None:
    """Import every rule module and build every option set before the first fork, so that
    workers do not each import them again."""
    import hashlib  # noqa: F401  (used by Engine._emit; imported once for all workers)

    for runners in engine._dispatch.values():
        for x in runners:
            x.resolve(engine.settings)


def _fork(engine: Engine, steps: Iterator[int], segment: int, result: str) -> _Worker:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()  # else the worker's exit could write the driver's buffered output
    findings_at, notes_at = len(engine.findings), len(engine.notes)
    # objects alive now are shared with the worker page by page until either process writes
    # to them; the cyclic GC writes to every object it examines, so move them out of its
    # reach (in the worker the GC is off altogether: it lives for one segment)
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the worker (coverage does not follow forks)
        _worker(engine, steps, segment, result)
    return _Worker(pid, result, findings_at, notes_at)


def _worker(
    engine: Engine, steps: Iterator[int], segment: int, result: str
) -> None:  # pragma: no cover
    """The worker's whole life: check one segment, write the outcome, leave without cleanup
    (``os._exit``: no atexit handlers, no flushing of the driver's inherited buffers)."""
    import pickle

    gc.disable()
    code = 0
    try:
        engine.on_file = None  # progress is the driver's
        engine.findings, engine.notes = [], []
        counts = engine.summary.by_severity
        for k in counts:
            counts[k] = 0
        _advance(steps, segment)
        used = {
            path: [i for i, d in enumerate(fr.suppressions.directives) if d.used]
            for path, fr in engine._files.items()
        }
        out: Any = ("ok", engine.findings, engine.notes, dict(counts), used)
    except BaseException as exc:  # reported by the driver
        out = ("error", _picklable(exc))
        code = 1
    try:
        with open(result, "wb") as fh:
            pickle.dump(out, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        code = 2
    os._exit(code)


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    from pgarch_lint.errors import InternalError

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return InternalError(f"{type(exc).__name__}: {exc}")


def _finished(w: _Worker) -> bool:
    pid, status = os.waitpid(w.pid, os.WNOHANG)
    if pid == 0:
        return False
    w.done, w.status = True, status
    return True


def _wait_any(workers: list[_Worker]) -> None:
    """Block until the oldest running worker ends (waiting for our own pids only: the
    process may have other children)."""
    w = next(w for w in workers if not w.done)
    _, w.status = os.waitpid(w.pid, 0)
    w.done = True


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def _merge(engine: Engine, workers: list[_Worker]) -> None:
    """Put each worker's findings and notes where its segment lies (later workers first, so
    the insertion points of earlier ones stay valid); raise the first worker's error."""
    import pickle

    from pgarch_lint.errors import InternalError

    outcomes: list[Any] = []
    for w in workers:
        try:
            with open(w.result, "rb") as fh:
                out = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            how = (
                f"was killed by signal {os.WTERMSIG(w.status)}"
                if os.WIFSIGNALED(w.status)
                else f"exited with status {os.waitstatus_to_exitcode(w.status)}"
            )
            raise InternalError(f"a worker process {how} without a result (try --jobs 1)") from None
        if out[0] == "error":
            raise out[1]
        outcomes.append(out)
    for w, (_, findings, notes, counts, used) in reversed(
        list(zip(workers, outcomes, strict=True))
    ):
        engine.findings[w.findings_at : w.findings_at] = findings
        engine.notes[w.notes_at : w.notes_at] = notes
        for k, v in counts.items():
            engine.summary.by_severity[k] += v
        for path, indexes in used.items():
            fr = engine._files.get(path)
            if fr is not None:
                for i in indexes:
                    fr.suppressions.directives[i].used = True
