"""Checking on several cores: fork at a statement boundary, replay in order.

The catalog is replayed statement by statement, so the rules of statement *n* need the schema
as statements 1..n-1 left it. Shipping parse trees or catalogs between processes costs more
than building them (pglast nodes pickle slower than they parse), so the state is handed over
by ``fork()`` instead:

* the engine's run is a sequence of resumable steps, one per top-level statement
  (``Engine._steps``), each yielding the size of the SQL it processed; the engine hands them
  over with what the driver and the workers need from it, :class:`Checker`;
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
This module does not import the engine: the engine imports it and is a :class:`Checker`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import NamedTuple, Protocol

from pgarch_lint.findings import Finding

# Below this much checked SQL a single process is faster than forking (measured: the fork, the
# worker's result file and importing every rule module up front cost ~40 ms).
MIN_PARALLEL_BYTES = 192_000
# ... with this many rules checking statements (the default rule set has 84); fewer rules make
# the input count for less (see worthwhile)
FULL_RULE_SET = 80
MIN_SEGMENT_BYTES = 16_000
SEGMENTS_PER_JOB = 8  # smaller segments balance the end of the run better; each costs a fork
DRIVER_CHECKS = True  # the driver checks statements itself while every worker is busy (tests
# turn it off to have every statement checked by a worker)


MAX_DEFAULT_JOBS = 4  # the driver replays ~3 segments while a worker checks one: more jobs
# than this rarely help, and a container's CPU quota may be far below the cores it can see


class SegmentOutput(NamedTuple):
    """What a worker found in its segment (pickled from the worker to the driver)."""

    findings: list[Finding]
    notes: list[str]
    counts: dict[str, int]  # findings per severity
    used_suppressions: dict[str, list[int]]  # per file: the suppression comments that were used
    note_paths: list[str]  # the file of each note


class Checker(Protocol):
    """What the driver and its workers need from the engine (``pgarch_lint.engine.Engine``).

    ``rules_on`` false makes the run's steps update only the state shared between statements
    (catalog, transaction state, counts): the driver replays a worker's segment that way.
    """

    rules_on: bool

    def prepare_rules(self) -> None:
        """Import every rule module and build every option set (before the first fork)."""

    def output_mark(self) -> tuple[int, int]:
        """Where the output of the statements to come goes (taken when a worker forks)."""

    def start_worker(self) -> None:
        """In a worker: forget the driver's output and progress display."""

    def segment_output(self) -> SegmentOutput:
        """In a worker: what it found since :meth:`start_worker`."""

    def insert_output(self, mark: tuple[int, int], out: SegmentOutput) -> None:
        """In the driver: put a worker's output at ``mark``."""


def default_jobs() -> int:
    """The cores this process may run on, at most MAX_DEFAULT_JOBS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def worthwhile(checked_bytes: int, statement_rules: int = FULL_RULE_SET) -> bool:
    """Whether forking workers should pay: the driver replays every statement itself, so
    the workers save only the rules' share of the work. The input's size counts in
    proportion to the rules checking statements, up to :data:`FULL_RULE_SET` of them (one rule
    on langfuse's 257 kB: 272 ms in one process, 314 with two)."""
    weight = min(statement_rules, FULL_RULE_SET) / FULL_RULE_SET
    return can_fork() and checked_bytes * weight >= MIN_PARALLEL_BYTES


def segment_size(checked_bytes: int, jobs: int) -> int:
    return max(MIN_SEGMENT_BYTES, checked_bytes // (jobs * SEGMENTS_PER_JOB))


class _Worker:
    """A forked worker and where its results go (a plain class: this module is imported by
    every run, and a dataclass costs ~0.3 ms to create)."""

    __slots__ = ("done", "mark", "pid", "result", "status")

    def __init__(self, pid: int, result: str, mark: tuple[int, int]) -> None:
        self.pid = pid
        self.result = result  # path of its result file
        self.mark = mark  # where its output goes in the driver's (Checker.output_mark)
        self.done = False
        self.status = 0


def run(
    engine: Checker, steps: Iterator[int], jobs: int, segment: int, at_end: Callable[[], None]
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


def _prepare(engine: Checker) -> None:
    """Import every rule module and build every option set before the first fork, so that
    workers do not each import them again."""
    from pgarch_lint.findings import fingerprint

    fingerprint("", "", "", "")  # its hash module, imported once for all workers
    engine.prepare_rules()


def _fork(engine: Checker, steps: Iterator[int], segment: int, result: str) -> _Worker:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()  # else the worker's exit could write the driver's buffered output
    mark = engine.output_mark()
    # objects alive now are shared with the worker page by page until either process writes
    # to them; the cyclic GC writes to every object it examines, so move them out of its
    # reach (in the worker the GC is off altogether: it lives for one segment)
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the worker (coverage does not follow forks)
        _worker(engine, steps, segment, result)
    return _Worker(pid, result, mark)


def _worker(
    engine: Checker, steps: Iterator[int], segment: int, result: str
) -> None:  # pragma: no cover
    """The worker's whole life: check one segment, write the outcome, leave without cleanup
    (``os._exit``: no atexit handlers, no flushing of the driver's inherited buffers)."""
    import pickle

    gc.disable()
    code = 0
    try:
        engine.start_worker()
        _advance(steps, segment)
        out: tuple[str, SegmentOutput | BaseException] = ("ok", engine.segment_output())
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


def _merge(engine: Checker, workers: list[_Worker]) -> None:
    """Put each worker's findings and notes where its segment lies (later workers first, so
    the insertion points of earlier ones stay valid); raise the first worker's error."""
    import pickle

    from pgarch_lint.errors import InternalError

    outcomes: list[tuple[str, SegmentOutput]] = []
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
    for w, (_, output) in reversed(list(zip(workers, outcomes, strict=True))):
        engine.insert_output(w.mark, output)
