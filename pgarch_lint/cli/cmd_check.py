"""``pgarch-lint check``: lint SQL files (the click command; the run is
:func:`pgarch_lint.cli.checking.run_check`, its options :data:`~pgarch_lint.cli.checking.OPTIONS`).
"""

from __future__ import annotations

import click

from pgarch_lint.cli.checking import (
    OPTIONS,
    Baseline,
    Fixing,
    Live,
    RunOptions,
    Sources,
    run_check,
)
from pgarch_lint.cli.options import collect, declare, paths_argument
from pgarch_lint.cli.output import ReportOptions
from pgarch_lint.cli.settings import SettingsFlags

__all__ = ["check"]


@click.command()
@paths_argument()
@declare(OPTIONS)
@collect("flags", SettingsFlags)
@collect("sources", Sources)
@collect("baseline", Baseline)
@collect("live", Live)
@collect("run", RunOptions)
@collect("report", ReportOptions)
@collect("fixing", Fixing)
def check(
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
    """Lint SQL files, folders (recursively, *.sql) or '-' for stdin."""
    run_check(paths, config_file, debug, flags, sources, baseline, live, run, report, fixing)
