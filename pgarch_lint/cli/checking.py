"""``pgarch-lint check`` without click: its options as data, their groups, and the run.

:mod:`pgarch_lint.cli.cmd_check` declares the click command from :data:`OPTIONS`;
:mod:`pgarch_lint.cli.fast` reads a plain ``check`` from the same table without importing
click (a tenth of a pre-commit run on one migration). Both end in :func:`run_check`.

The options arrive grouped (see :func:`pgarch_lint.cli.options.grouped`): the flags that
override the configuration (:class:`SettingsFlags`), the files (:class:`Sources`), the baseline
(:class:`Baseline`), a live database (:class:`Live`), how the run goes (:class:`RunOptions`),
how the report is written (:class:`ReportOptions`) and the fixes (:class:`Fixing`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from pgarch_lint.cli.common import Guard, die, echo
from pgarch_lint.cli.inputs import check_inputs
from pgarch_lint.cli.options import (
    CONFIG,
    DEBUG,
    FAIL_ON,
    IGNORE,
    OUTPUT,
    PRESET,
    QUIET,
    SELECT,
    Opt,
    context_opt,
    format_opt,
)
from pgarch_lint.cli.output import ReportOptions, emit_report, escapes_allowed
from pgarch_lint.cli.settings import Configured, SettingsFlags, configure
from pgarch_lint.errors import ConfigError
from pgarch_lint.reporters import FORMATS

if TYPE_CHECKING:
    from collections import Counter
    from pathlib import Path

    from pgarch_lint.baseline import Key
    from pgarch_lint.cache import Plan
    from pgarch_lint.files import FileInput
    from pgarch_lint.findings import Report
    from pgarch_lint.live.checkmode import LiveCheck


class Sources:
    """What to read besides PATHS: ``--context``, ``--since``, ``--stdin-filename``."""

    __slots__ = ("context_paths", "since", "stdin_filename")

    def __init__(
        self,
        context_paths: tuple[str, ...] = (),
        since: str | None = None,
        stdin_filename: str | None = None,
    ) -> None:
        self.context_paths = context_paths
        self.since = since
        self.stdin_filename = stdin_filename


class Baseline:
    """``--baseline FILE`` (report only new findings) and ``--write-baseline FILE``."""

    __slots__ = ("baseline_file", "write_baseline")

    def __init__(self, baseline_file: str | None = None, write_baseline: str | None = None) -> None:
        self.baseline_file = baseline_file
        self.write_baseline = write_baseline


class Live:
    """A live database as the context: ``--dsn``, ``--min-table-size``, ``--explain[-analyze]``."""

    __slots__ = ("dsn", "explain", "explain_analyze", "min_table_size")

    def __init__(
        self,
        dsn: str | None = None,
        min_table_size: str | None = None,
        explain: bool = False,
        explain_analyze: bool = False,
    ) -> None:
        self.dsn = dsn
        self.min_table_size = min_table_size
        self.explain = explain
        self.explain_analyze = explain_analyze

    @property
    def wanted(self) -> bool:
        return bool(self.dsn or self.min_table_size or self.explain or self.explain_analyze)


class Fixing:
    """``--fix``, ``--unsafe-fixes``, ``--diff``."""

    __slots__ = ("diff", "fix", "unsafe_fixes")

    def __init__(self, fix: bool = False, unsafe_fixes: bool = False, diff: bool = False) -> None:
        self.fix = fix
        self.unsafe_fixes = unsafe_fixes
        self.diff = diff

    @property
    def wanted(self) -> bool:
        return self.fix or self.diff


class RunOptions:
    """How the run goes: ``--jobs``, ``--no-progress``, ``--verbose``, ``--no-cache``."""

    __slots__ = ("jobs", "no_cache", "no_progress", "verbose")

    def __init__(
        self,
        jobs: int | None = None,
        no_progress: bool = False,
        verbose: bool = False,
        no_cache: bool = False,
    ) -> None:
        self.jobs = jobs
        self.no_progress = no_progress
        self.verbose = verbose
        self.no_cache = no_cache


# check's options after PATHS, in the order of ``check --help``
OPTIONS: tuple[Opt, ...] = (
    SELECT,
    IGNORE,
    Opt(
        "--extend-select",
        name="extend_select",
        kind="multiple",
        help="Add opt-in rules or categories.",
    ),
    PRESET,
    FAIL_ON.but(help="Lowest severity that makes the exit code 1 (default: warning)."),
    format_opt(FORMATS).but(show_default=True),
    OUTPUT.but(help="Write the report to FILE (atomically) instead of stdout."),
    Opt(
        "--pg-version",
        name="pg_version",
        int_range=(9, 19),
        help="Target PostgreSQL major version (default 17).",
    ),
    Opt(
        "--assume-in-transaction/--no-assume-in-transaction",
        name="assume_in_transaction",
        kind="switch",
        help="Whether the runner wraps each file in a transaction (default: from markers).",
    ),
    context_opt("Files replayed into the catalog before the checked files, never reported."),
    Opt(
        "--since",
        name="since",
        metavar="GIT_REF",
        help="Check only SQL files changed since GIT_REF's merge base with HEAD (plus "
        "uncommitted and untracked files); the other files under PATHS become context.",
    ),
    Opt(
        "--baseline",
        name="baseline_file",
        is_path=True,
        help="Report only findings not recorded in this baseline file.",
    ),
    Opt(
        "--write-baseline",
        name="write_baseline",
        is_path=True,
        help="Record the current findings in FILE (atomically) and exit 0.",
    ),
    Opt("--stdin-filename", name="stdin_filename", help="Name used for '-' in reports and config."),
    CONFIG,
    QUIET,
    Opt(
        "--statistics",
        name="statistics",
        kind="flag",
        help="Counts per rule instead of the findings (text; markdown adds a table).",
    ),
    Opt("--no-progress", name="no_progress", kind="flag", help="Never show a progress bar."),
    Opt(
        "--no-cache",
        name="no_cache",
        kind="flag",
        help="Neither read nor write the results cache (see docs/configuration.md).",
    ),
    Opt(
        "--jobs",
        "-j",
        name="jobs",
        int_range=(1, None),
        metavar="N",
        help="Processes to check with (default: the number of cores, at most 4). Big "
        "inputs only; the report is the same for every N.",
    ),
    Opt(
        "--dsn",
        name="dsn",
        help="Live database used as the context (pgarch-lint[live]); see docs/live.md.",
    ),
    Opt(
        "--min-table-size",
        name="min_table_size",
        metavar="SIZE",
        help="With --dsn: drop migration-safety findings on tables smaller than SIZE "
        "(e.g. 10MB); also the --explain threshold (default 10MB).",
    ),
    Opt(
        "--explain",
        name="explain",
        kind="flag",
        help="With --dsn: EXPLAIN each query of the files.",
    ),
    Opt(
        "--explain-analyze",
        name="explain_analyze",
        kind="flag",
        help="With --dsn: EXPLAIN ANALYZE (runs the queries, then rolls back).",
    ),
    Opt(
        "--verbose",
        "-v",
        name="verbose",
        kind="flag",
        help="Also print notes on stderr (e.g. tables the catalog does not know).",
    ),
    Opt("--fix", name="fix", kind="flag", help="Apply the safe fixes to the files (atomically)."),
    Opt(
        "--unsafe-fixes",
        name="unsafe_fixes",
        kind="flag",
        help="With --fix or --diff: also apply the fixes that change locking, transaction or "
        "data behaviour (review them).",
    ),
    Opt(
        "--diff",
        name="diff",
        kind="flag",
        help="Print the fixes as a unified diff and write nothing (exit 1 when there is one).",
    ),
    DEBUG.but(help="Show tracebacks of internal errors."),
)

# parameter name → the class its options are collected into (options.grouped)
GROUPS: dict[str, type] = {
    "flags": SettingsFlags,
    "sources": Sources,
    "baseline": Baseline,
    "live": Live,
    "run": RunOptions,
    "report": ReportOptions,
    "fixing": Fixing,
}


def run_check(
    paths: tuple[str, ...],
    config_file: str | None,
    debug: bool,
    flags: SettingsFlags,
    sources: Sources,
    baseline: Baseline,
    live: Live,
    run: RunOptions,
    report: ReportOptions,
    fixing: Fixing,
) -> None:
    """``pgarch-lint check`` with its options parsed and grouped."""
    with Guard(debug):
        conf = configure(config_file, flags, paths)
        if run.verbose:
            used = conf.settings.config_file
            echo(
                f"pgarch-lint: configuration: {used if used else 'none found (defaults)'}",
                err=True,
            )
        if not paths:  # the configured paths, else the current folder
            root = conf.settings.root
            paths = tuple(str(root / p) for p in conf.settings.paths) or (".",)
        known = _read_baseline(baseline)
        inputs = check_inputs(
            paths, sources.context_paths, conf.settings, sources.stdin_filename, sources.since
        )
        if not any(not f.context for f in inputs):
            if sources.since is None:
                shown = " ".join(paths)
                raise ConfigError(f"no SQL file found in {shown} (nothing to check)")
            echo(
                f"pgarch-lint: note: no SQL file under {' '.join(paths)} changed since "
                f"{sources.since}",
                err=True,
            )
        if fixing.wanted and live.wanted:
            raise ConfigError("--fix and --diff work on files: drop --dsn")
        live_check = _start_live(live, inputs, conf)
        if live_check is not None:
            inputs = live_check.inputs
        cache = None if live_check is not None else _Cache.of(conf, run)
        if fixing.wanted:
            result = _fix(conf, inputs, run, fixing, report, cache)
        else:
            result = _run(conf, inputs, run, live_check, cache)
        if live_check is not None:
            result = live_check.finish(result)
        if baseline.write_baseline:
            _write_baseline(baseline.write_baseline, result)
        if known is not None:
            from pgarch_lint.baseline import apply as apply_baseline

            result = apply_baseline(result, known)
        emit_report(result, conf.settings, report)


def _read_baseline(baseline: Baseline) -> Counter[Key] | None:
    """The findings ``--baseline`` records (None: no baseline, or one being written)."""
    if not baseline.baseline_file or baseline.write_baseline:
        return None
    from pathlib import Path

    from pgarch_lint.baseline import BaselineError
    from pgarch_lint.baseline import load as load_baseline

    try:
        return load_baseline(Path(baseline.baseline_file))
    except BaselineError as exc:
        die(str(exc))


def _start_live(live: Live, inputs: list[FileInput], conf: Configured) -> LiveCheck | None:
    """Connect to the live database and read what the run needs from it (None: no --dsn,
    --min-table-size or --explain)."""
    if not live.wanted:
        return None
    from pgarch_lint.live.checkmode import LiveCheck

    live_check = LiveCheck.start(
        live.dsn,
        inputs,
        conf.settings,
        min_table_size=live.min_table_size,
        explain=live.explain,
        explain_analyze=live.explain_analyze,
    )
    for note in live_check.explain_notes:
        echo(f"pgarch-lint: {note}", err=True)
    return live_check


class _Cache:
    """The results cache of a ``check`` (pgarch_lint/cache.py): its folder, and whether
    ``--verbose`` said why it is not used (once)."""

    __slots__ = ("folder", "said", "verbose")

    def __init__(self, folder: Path, verbose: bool) -> None:
        self.folder = folder
        self.verbose = verbose
        self.said = False

    @classmethod
    def of(cls, conf: Configured, run: RunOptions) -> _Cache | None:
        from pgarch_lint.cache import folder_for

        folder = folder_for(conf.settings, enabled=not run.no_cache)
        return None if folder is None else cls(folder, run.verbose)

    def plan(self, conf: Configured, inputs: list[FileInput], known: list[str]) -> Plan | None:
        from pgarch_lint.cache import plan

        got = plan(self.folder, conf.settings, conf.rules, known, inputs)
        if isinstance(got, str):
            self.say(f"{got}: running without it")
            return None
        if self.verbose:
            self.say(f"{got.unchanged} of {len(inputs)} files unchanged ({self.folder})")
        return got

    def say(self, message: str) -> None:
        if self.verbose and not self.said:
            echo(f"pgarch-lint: cache: {message}", err=True)
            self.said = True


def _run(
    conf: Configured,
    inputs: list[FileInput],
    run: RunOptions,
    live_check: LiveCheck | None,
    cache: _Cache | None = None,
) -> Report:
    """Run the engine on the inputs (what the results cache knows is not checked again),
    with a progress bar on a terminal for many files."""
    known = [r.qualified_name for r in conf.all_rules]
    plan = cache.plan(conf, inputs, known) if cache is not None else None
    if plan is not None and plan.report is not None:
        result = plan.report
    else:
        result = _check(conf, inputs, run, live_check, known, plan)
    if run.verbose:
        for note in result.notes:
            echo(note, err=True)
    result.checked_paths = [f.path for f in inputs if not f.context]
    return result


def _check(
    conf: Configured,
    inputs: list[FileInput],
    run: RunOptions,
    live_check: LiveCheck | None,
    known: list[str],
    plan: Plan | None,
) -> Report:
    from pgarch_lint.engine import Engine

    progress = None
    if not run.no_progress and len(inputs) > 50 and sys.stderr.isatty():
        progress = _progress_bar
    jobs = run.jobs
    if jobs is None:
        from pgarch_lint.parallel import default_jobs

        jobs = default_jobs()
    engine = Engine(conf.settings, conf.rules, live_check.catalog if live_check else None)
    result = engine.run(
        inputs,
        known,
        on_file=progress,
        jobs=1 if live_check is not None else jobs,  # a live run shares one connection
        resume=plan.resume() if plan is not None else None,
        record=plan is not None,
        checkpoint=plan.checkpoint if plan is not None else None,
    )
    if progress is not None:
        sys.stderr.write("\r\x1b[2K" if escapes_allowed() else "\r" + " " * 80 + "\r")
    if plan is not None and engine.outputs is not None:
        plan.store(result, engine.outputs)
    return result


def _fix(
    conf: Configured,
    inputs: list[FileInput],
    run: RunOptions,
    fixing: Fixing,
    how: ReportOptions,
    cache: _Cache | None,
) -> Report:
    """``--fix`` / ``--diff``: lint, fix, lint again (see pgarch_lint/fixes.py); write the
    changed files (``--fix``), or print their diff and exit (``--diff``). The report is of
    what remains. With ``-`` the fixed text goes to stdout and the report to stderr."""
    from pathlib import Path

    from pgarch_lint.findings import FixSummary
    from pgarch_lint.fixes import fix_inputs, write_atomic

    quiet_run = RunOptions(run.jobs, no_progress=True, verbose=False)
    done = fix_inputs(
        lambda current: _run(conf, current, quiet_run, None, cache),
        inputs,
        unsafe=fixing.unsafe_fixes,
    )
    result = done.report
    if run.verbose:
        for note in result.notes:
            echo(note, err=True)
    unsafe_left = 0
    if not fixing.unsafe_fixes:
        unsafe_left = sum(1 for f in result.findings if f.fix is not None and not f.fix.safe)
    result.fixes = FixSummary(done.applied, unsafe_left, dry_run=fixing.diff)
    if not done.converged:
        echo(
            "pgarch-lint: the fixes did not settle after several passes; some were not applied "
            "(please report this)",
            err=True,
        )
    if fixing.diff:
        import difflib

        for i in done.changed:
            old, new = inputs[i].data, done.inputs[i].data
            name = inputs[i].path
            echo(
                "".join(
                    difflib.unified_diff(
                        old.decode("utf-8-sig").splitlines(keepends=True),
                        new.decode("utf-8-sig").splitlines(keepends=True),
                        f"a/{name}",
                        f"b/{name}",
                    )
                ),
                nl=False,
            )
        from pgarch_lint.findings import fix_line

        echo(f"pgarch-lint: {fix_line(result)}", err=True)
        sys.exit(1 if done.changed else 0)
    for i in done.changed:
        if inputs[i].fs_path:
            write_atomic(Path(inputs[i].fs_path), done.inputs[i].data)
    stdin = [f for f in done.inputs if not f.fs_path and not f.context]
    if stdin:
        sys.stdout.buffer.write(stdin[0].data)
        sys.stdout.flush()
        how.to_stderr = True
    return result


def _write_baseline(path: str, result: Report) -> None:
    """``--write-baseline``: record the findings and exit 0."""
    from pathlib import Path

    from pgarch_lint.baseline import write as write_baseline_file
    from pgarch_lint.findings import plural

    n = write_baseline_file(Path(path), result.findings)
    echo(
        f"pgarch-lint: wrote {path}: {plural(len(result.findings), 'finding')} "
        f"({plural(n, 'entry', 'entries')})",
        err=True,
    )
    sys.exit(0)


def _progress_bar(i: int, total: int, f: FileInput) -> None:
    width = 30
    done = int(width * (i + 1) / total)
    name = f.path if len(f.path) <= 50 else "..." + f.path[-47:]
    line = f"[{'#' * done}{'.' * (width - done)}] {i + 1}/{total} {name}"
    # without escapes (TERM=dumb, NO_COLOR) the line is overwritten by padding it
    sys.stderr.write(f"\r\x1b[2K{line}" if escapes_allowed() else f"\r{line:<80}")
    sys.stderr.flush()
