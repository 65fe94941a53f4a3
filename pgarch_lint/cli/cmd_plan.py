"""``pgarch-lint plan``: the lock plan of a migration (docs/plan.md)."""

from __future__ import annotations

from typing import TextIO

import click

from pgarch_lint.cli.common import Guard
from pgarch_lint.cli.inputs import check_inputs, live_schema_first
from pgarch_lint.cli.options import (
    config_option,
    context_option,
    debug_option,
    format_option,
    output_option,
    paths_argument,
)
from pgarch_lint.cli.output import write_output
from pgarch_lint.cli.settings import command_settings


@click.command()
@paths_argument(required=True)
@context_option("Files replayed before PATHS (the history); their statements are not planned.")
@format_option(["text", "json", "markdown"])
@output_option()
@config_option()
@click.option(
    "--dsn",
    default=None,
    help="Read the live schema first (pgarch-lint[live]): relation sizes and rough durations.",
)
@click.option(
    "--pg-version", "pg_version", type=int, default=None, help="PostgreSQL major version."
)
@debug_option()
def plan(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_file: str | None,
    dsn: str | None,
    pg_version: int | None,
    debug: bool,
) -> None:
    """What each statement locks, for how long, and what waits behind it."""
    with Guard(debug):
        from dataclasses import replace

        from pgarch_lint.plan import build_plans, plan_json
        from pgarch_lint.plan.render import render_markdown, render_text

        settings = command_settings(config_file, paths)
        if pg_version is not None:
            settings = replace(settings, pg_version=pg_version)
        inputs, catalog, facts = live_schema_first(
            check_inputs(paths, context_paths, settings, None, None), dsn
        )
        plans = build_plans(inputs, settings, facts=facts, catalog=catalog)
        live = facts is not None

        def write(out: TextIO) -> None:
            if fmt == "json":
                import json

                json.dump(plan_json(plans, live=live), out, indent=2, ensure_ascii=False)
                out.write("\n")
            elif fmt == "markdown":
                out.write(render_markdown(plans, live=live))
            else:
                out.write(render_text(plans, live=live))

        write_output(output, write)
