"""``pgarch-lint inspect`` and ``pgarch-lint verify``: a live database (pgarch-lint[live])."""

from __future__ import annotations

import click

from pgarch_lint.cli.common import Guard, split_names
from pgarch_lint.cli.inputs import check_inputs
from pgarch_lint.cli.options import (
    collect,
    config_option,
    fail_on_option,
    format_option,
    ignore_option,
    output_option,
    paths_argument,
    quiet_option,
    select_option,
)
from pgarch_lint.cli.output import ReportOptions, emit_report
from pgarch_lint.cli.settings import SettingsFlags, configure
from pgarch_lint.reporters import FORMATS

_DSN_HELP = "libpq connection string or postgresql:// URI."


@click.command()
@click.option("--dsn", required=True, help=_DSN_HELP)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Only this schema (repeatable, comma-separated; default: all user schemas).",
)
@select_option()
@ignore_option()
@fail_on_option()
@format_option(FORMATS, show_default=True)
@output_option()
@config_option()
@quiet_option()
@click.option("--statistics", is_flag=True, help="Counts per rule.")
@collect("flags", SettingsFlags)
@collect("report", ReportOptions)
def inspect(
    dsn: str,
    schemas: tuple[str, ...],
    config_file: str | None,
    flags: SettingsFlags,
    report: ReportOptions,
) -> None:
    """Run the whole-schema rules (and unused-index, invalid-index) on a live database."""
    with Guard():
        from pgarch_lint.live.checkmode import run_inspect

        conf = configure(config_file, flags)
        result = run_inspect(
            dsn,
            conf.settings,
            conf.rules,
            [r.qualified_name for r in conf.all_rules],
            split_names(schemas) or (),
        )
        emit_report(result, conf.settings, report)


@click.command()
@paths_argument(required=True)
@click.option("--dsn", required=True, help=_DSN_HELP)
@click.option(
    "--allow-db",
    "allow_db",
    default=None,
    metavar="PATTERN",
    help="Regular expression the database name must contain (default: a whole name part, "
    "split on _ - ., is test, tests, testing, scratch, ci or dev).",
)
@fail_on_option()
@format_option(FORMATS, show_default=True)
@output_option()
@config_option()
@quiet_option()
@collect("flags", SettingsFlags)
@collect("report", ReportOptions)
def verify(
    paths: tuple[str, ...],
    dsn: str,
    allow_db: str | None,
    config_file: str | None,
    flags: SettingsFlags,
    report: ReportOptions,
) -> None:
    """Apply migrations on a test database, report failures, locks and rewrites, roll back."""
    with Guard():
        from pgarch_lint.live.verify import verify as run_verify

        settings = configure(config_file, flags).settings
        inputs = check_inputs(paths, (), settings, None, None)
        result = run_verify(dsn, inputs, settings, allow_db=allow_db)
        emit_report(result, settings, report)
