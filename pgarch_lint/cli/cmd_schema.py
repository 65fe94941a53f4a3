"""``pgarch-lint schema``, ``conventions`` and ``model``: what the replayed schema looks like."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from pgarch_lint.cli.common import Guard, split_names
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
from pgarch_lint.cli.settings import command_settings, discovery_start

if TYPE_CHECKING:
    pass

_CONTEXT_HELP = "Files replayed before PATHS (same as for check)."


@click.command()
@paths_argument(required=False)
@context_option(_CONTEXT_HELP)
@format_option(
    ["text", "json", "sql"],
    help="sql: the schema as one DDL file, in dependency order (docs/schema-sql.md).",
)
@output_option()
@config_option()
@click.option(
    "--dsn",
    default=None,
    help="Start from the schema of a live database (pgarch-lint[live]), replayed before the "
    "context files and PATHS.",
)
@debug_option()
def schema(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_file: str | None,
    dsn: str | None,
    debug: bool,
) -> None:
    """Replay SQL files and print the schema catalog the linter believes in."""
    with Guard(debug):
        from pgarch_lint.engine import Engine
        from pgarch_lint.errors import ConfigError
        from pgarch_lint.schema_report import render_json, render_text
        from pgarch_lint.schema_sql import SchemaRecorder, render_sql

        if not paths and not dsn:
            raise ConfigError("schema: give PATHS, --dsn or both")
        settings = command_settings(config_file, paths)
        # the live schema is replayed as SQL into this command's own catalog
        inputs, _, _ = live_schema_first(
            check_inputs(paths, context_paths, settings, None, None), dsn, context=bool(paths)
        )
        catalog = SchemaRecorder() if fmt == "sql" else None
        engine = Engine(settings, [], catalog)
        engine.run(inputs)

        def write(out: TextIO) -> None:
            if fmt == "json":
                import json

                json.dump(render_json(engine.catalog), out, indent=2, ensure_ascii=False)
                out.write("\n")
            elif catalog is not None:
                out.write(render_sql(catalog, engine.source_text))
            else:
                out.write(render_text(engine.catalog))

        write_output(output, write)


@click.command()
@paths_argument(required=True)
@context_option(_CONTEXT_HELP)
@format_option(
    ["text", "toml", "json"],
    help="toml: a [naming] block to paste into the configuration.",
)
@output_option()
@config_option()
@click.option(
    "--dsn", default=None, help="Also read the schema of a live database (pgarch-lint[live])."
)
@debug_option()
def conventions(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_file: str | None,
    dsn: str | None,
    debug: bool,
) -> None:
    """Print the naming conventions inferred from the schema of PATHS (see docs/configuration.md)."""
    with Guard(debug):
        from pgarch_lint.analysis import conventions as conv
        from pgarch_lint.engine import Engine

        settings = command_settings(config_file, paths)
        inputs, catalog, _ = live_schema_first(
            check_inputs(paths, context_paths, settings, None, None), dsn
        )
        engine = Engine(settings, [], catalog)
        engine.run(inputs, ["-"])
        style = conv.house_style(engine.catalog, settings.naming)

        def write(out: TextIO) -> None:
            if fmt == "json":
                import json

                json.dump(conv.report_json(style), out, indent=2)
                out.write("\n")
            elif fmt == "toml":
                out.write(conv.report_toml(style))
            else:
                out.write(conv.report_text(style))

        write_output(output, write)


@click.command()
@paths_argument(required=True)
@context_option(_CONTEXT_HELP)
@format_option(["markdown", "mermaid", "dot", "json"], default="markdown", show_default=True)
@output_option(help="Write the document to FILE (atomically) instead of stdout.")
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Only tables of this schema (repeatable, comma-separated).",
)
@click.option(
    "--tables",
    "tables",
    multiple=True,
    metavar="GLOB",
    help="Only tables whose name or schema.name matches GLOB (repeatable).",
)
@config_option()
@debug_option(help="Show tracebacks of internal errors.")
def model(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    schemas: tuple[str, ...],
    tables: tuple[str, ...],
    config_file: str | None,
    debug: bool,
) -> None:
    """Write the schema model: entities, relationships, tenancy, access paths, diagram."""
    with Guard(debug):
        from pgarch_lint.config import load_settings, select_rules
        from pgarch_lint.model import model_document
        from pgarch_lint.registry import rule_refs

        all_rules = rule_refs()
        settings = load_settings(
            Path(config_file) if config_file else None,
            start=discovery_start(paths),
            rules=all_rules,
        )
        rules = select_rules(all_rules, settings)
        inputs = check_inputs(paths, context_paths, settings, None, None)
        text = model_document(
            inputs,
            settings,
            rules,
            fmt=fmt,
            schemas=split_names(schemas) or (),
            tables=split_names(tables) or (),
            known_rule_names=[r.qualified_name for r in all_rules],
        )
        write_output(output, lambda out: out.write(text))
