"""Command line: ``pgarch-lint check|rules|explain|init|schema``.

Heavy modules (pglast, pydantic, reporters, rules) are imported inside the commands that need
them, so ``--version`` and ``--help`` stay instant. Every expected problem (config, usage, I/O)
is one line on stderr and exit code 2; an unexpected one too, unless ``--debug``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from pgarch_lint import __version__
from pgarch_lint.reporters import FORMATS


def _die(msg: str) -> NoReturn:
    click.echo(f"pgarch-lint: error: {msg}", err=True)
    sys.exit(2)


def _split(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


class _Guard:
    """Turn expected exceptions into one line and exit 2; a closed pipe exits quietly."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug

    def __enter__(self) -> _Guard:
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if ev is None or isinstance(ev, (SystemExit, click.exceptions.Exit, click.ClickException)):
            return
        if isinstance(ev, BrokenPipeError):
            _quiet_pipe()
        from pgarch_lint.config import ConfigError

        if isinstance(ev, ConfigError):
            _die(str(ev))
        from pgarch_lint.live.conn import LiveError

        if isinstance(ev, LiveError):  # already redacted: never holds the DSN's password
            _die(str(ev))
        if self.debug:
            return
        from pgarch_lint.engine import InternalError
        from pgarch_lint.registry import RegistryError

        if isinstance(ev, (InternalError, RegistryError)):
            _die(str(ev))
        if isinstance(ev, OSError):
            _die(f"{ev.filename or ''}: {ev.strerror or ev}".lstrip(": "))
        if isinstance(ev, KeyboardInterrupt):
            click.echo("pgarch-lint: interrupted", err=True)
            sys.exit(130)
        _die(f"internal error: {type(ev).__name__}: {ev} (run with --debug for the traceback)")


def _quiet_pipe() -> NoReturn:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="pgarch-lint", message="%(prog)s %(version)s"
)
def main() -> None:
    """pgarch-lint: a PostgreSQL schema architect for your migrations, schemas and queries."""


# --- check ---------------------------------------------------------------------------------


def _open_output(path: str | None) -> tuple[TextIO, Callable[[bool], None]]:
    """stdout, or a temp file next to PATH that replaces it atomically on success."""
    if path is None:
        return sys.stdout, lambda ok: None
    import tempfile

    target = Path(path)
    d = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=d)
    except OSError as exc:  # name what the user gave, not the temporary file
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    # mkstemp creates 0600: give the report the mode a plain open() would (or the old file's)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def done(ok: bool) -> None:
        try:
            fh.close()
            if ok:
                os.replace(tmp, target)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    return fh, done


def _check_inputs(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    settings: Any,
    stdin_filename: str | None,
    since: str | None,
) -> list[Any]:
    """The engine's input, in replay order.

    ``--context`` files come first, in their order. A file that is both context and checked is
    checked at its place in the context sequence (so ``--context migrations/`` plus one changed
    migration replays the whole history in order). With ``--since``, files under PATHS that did
    not change become context, in natural order together with the changed ones.
    """
    from pgarch_lint.engine import FileInput
    from pgarch_lint.files import collect, display_path, real_path, relative_to_root

    changed: set[Path] | None = None
    if since is not None:
        from pgarch_lint.gitdiff import GitError, changed_files

        try:
            changed = changed_files(since, Path.cwd())
        except GitError as exc:
            msg = str(exc)
            _die(f"--since {msg}" if msg.startswith(since) else f"--since {since}: {msg}")
    changed_real = {str(c) for c in changed} if changed is not None else None  # resolved paths
    seq: list[tuple[Path, bool]] = []
    where: dict[str, int] = {}  # real path → place in seq
    for p in collect(context_paths, root=settings.root, lint_down=settings.lint_down):
        where.setdefault(real_path(p), len(seq))
        seq.append((p, True))
    for p in collect(
        [p for p in paths if p != "-"],
        root=settings.root,
        exclude=settings.exclude,
        lint_down=settings.lint_down,
    ):
        r = real_path(p)
        is_context = changed_real is not None and r not in changed_real
        if r in where:
            i = where[r]
            seq[i] = (seq[i][0], seq[i][1] and is_context)
        else:
            where[r] = len(seq)
            seq.append((p, is_context))
    inputs: list[FileInput] = []
    for p, is_context in seq:
        try:
            data = p.read_bytes()
        except IsADirectoryError:
            continue
        inputs.append(
            FileInput(display_path(p), data, is_context, relative_to_root(p, settings.root))
        )
    if "-" in paths:
        name = stdin_filename or "<stdin>"
        inputs.append(FileInput(name, sys.stdin.buffer.read(), False, name))
    return inputs


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated).")
@click.option("--ignore", multiple=True, help="Drop these rules or categories.")
@click.option("--extend-select", multiple=True, help="Add opt-in rules or categories.")
@click.option("--preset", type=click.Choice(["recommended", "strict"]), default=None)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default=None,
    help="Lowest severity that makes the exit code 1 (default: warning).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to FILE (atomically) instead of stdout.",
)
@click.option(
    "--pg-version",
    type=click.IntRange(9, 19),
    default=None,
    help="Target PostgreSQL major version (default 17).",
)
@click.option(
    "--assume-in-transaction/--no-assume-in-transaction",
    default=None,
    help="Whether the runner wraps each file in a transaction (default: from markers).",
)
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    help="Files replayed into the catalog before the checked files, never reported.",
)
@click.option(
    "--since",
    "since",
    metavar="GIT_REF",
    default=None,
    help="Check only SQL files changed since GIT_REF's merge base with HEAD (plus "
    "uncommitted and untracked files); the other files under PATHS become context.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    "write_baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record the current findings in FILE (atomically) and exit 0.",
)
@click.option("--stdin-filename", default=None, help="Name used for '-' in reports and config.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--quiet", is_flag=True, help="Only the summary.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Counts per rule instead of the findings (text; markdown adds a table).",
)
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes to check with (default: the number of cores, at most 4). Big "
    "inputs only; the report is the same for every N.",
)
@click.option(
    "--dsn",
    default=None,
    help="Live database used as the context (pgarch-lint[live]); see docs/live.md.",
)
@click.option(
    "--min-table-size",
    "min_table_size",
    default=None,
    metavar="SIZE",
    help="With --dsn: drop migration-safety findings on tables smaller than SIZE "
    "(e.g. 10MB); also the --explain threshold (default 10MB).",
)
@click.option("--explain", is_flag=True, help="With --dsn: EXPLAIN each query of the files.")
@click.option(
    "--explain-analyze",
    "explain_analyze",
    is_flag=True,
    help="With --dsn: EXPLAIN ANALYZE (runs the queries, then rolls back).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also print notes on stderr (e.g. tables the catalog does not know).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    preset: str | None,
    fail_on: str | None,
    fmt: str,
    output: str | None,
    pg_version: int | None,
    assume_in_transaction: bool | None,
    context_paths: tuple[str, ...],
    since: str | None,
    baseline_file: str | None,
    write_baseline: str | None,
    stdin_filename: str | None,
    config_file: str | None,
    quiet: bool,
    statistics: bool,
    no_progress: bool,
    debug: bool,
    jobs: int | None = None,
    verbose: bool = False,
    dsn: str | None = None,
    min_table_size: str | None = None,
    explain: bool = False,
    explain_analyze: bool = False,
) -> None:
    """Lint SQL files, folders (recursively, *.sql) or '-' for stdin."""
    with _Guard(debug):
        from pgarch_lint.config import (
            ConfigError,
            load_settings,
            select_rules,
            validate_names,
        )
        from pgarch_lint.engine import Engine
        from pgarch_lint.registry import rule_refs

        if not paths:
            raise ConfigError("no paths given (try: pgarch-lint check migrations/)")
        all_rules = rule_refs()  # metadata only: a rule's module is imported when it must run
        settings = load_settings(Path(config_file) if config_file else None, rules=all_rules)
        cli_sel = _split(select)
        if cli_sel is not None:
            settings.select = cli_sel
        settings.ignore = (*settings.ignore, *(_split(ignore) or ()))
        settings.extend_select = (*settings.extend_select, *(_split(extend_select) or ()))
        if preset:
            settings.preset = preset
        if fail_on:
            settings.fail_on = fail_on
        if pg_version:
            settings.pg_version = pg_version
        if assume_in_transaction is not None:
            settings.assume_in_transaction = assume_in_transaction
        validate_names(settings, list(all_rules), "command line")
        rules = select_rules(all_rules, settings)

        known = None
        if baseline_file and not write_baseline:
            from pgarch_lint.baseline import BaselineError
            from pgarch_lint.baseline import load as load_baseline

            try:
                known = load_baseline(Path(baseline_file))
            except BaselineError as exc:
                _die(str(exc))
        inputs = _check_inputs(paths, context_paths, settings, stdin_filename, since)

        live = None
        if dsn or min_table_size or explain or explain_analyze:
            from pgarch_lint.live.checkmode import LiveCheck

            live = LiveCheck.start(
                dsn,
                inputs,
                settings,
                min_table_size=min_table_size,
                explain=explain,
                explain_analyze=explain_analyze,
            )
            inputs = live.inputs
            for note in live.explain_notes:
                click.echo(f"pgarch-lint: {note}", err=True)
        progress = None
        if not no_progress and len(inputs) > 50 and sys.stderr.isatty():
            progress = _progress_bar
        if jobs is None:
            from pgarch_lint.parallel import default_jobs

            jobs = default_jobs()
        report = Engine(settings, rules, live.catalog if live else None).run(
            inputs,
            [r.qualified_name for r in all_rules],
            on_file=progress,
            jobs=1 if live is not None else jobs,  # a live run shares one connection
        )
        if progress is not None:
            sys.stderr.write("\r\x1b[2K")
        if verbose:
            for note in report.notes:
                click.echo(note, err=True)
        report.checked_paths = [f.path for f in inputs if not f.context]
        if live is not None:
            report = live.finish(report)
        if write_baseline:
            from pgarch_lint.baseline import write as write_baseline_file

            n = write_baseline_file(Path(write_baseline), report.findings)
            click.echo(
                f"pgarch-lint: wrote {write_baseline}: {len(report.findings)} findings "
                f"({n} entries)",
                err=True,
            )
            sys.exit(0)
        if known is not None:
            from pgarch_lint.baseline import apply as apply_baseline

            report = apply_baseline(report, known)
        _emit_report(report, settings, fmt, output, quiet, statistics)


def _progress_bar(i: int, total: int, f: Any) -> None:
    width = 30
    done = int(width * (i + 1) / total)
    name = f.path if len(f.path) <= 50 else "..." + f.path[-47:]
    sys.stderr.write(f"\r\x1b[2K[{'#' * done}{'.' * (width - done)}] {i + 1}/{total} {name}")
    sys.stderr.flush()


# --- rules / explain -----------------------------------------------------------------------


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--preset",
    type=click.Choice(["recommended", "strict"]),
    default=None,
    help="Only the rules this preset turns on.",
)
def rules_cmd(fmt: str, preset: str | None) -> None:
    """List every rule: name, category, default severity, summary."""
    with _Guard():
        from pgarch_lint.config import Settings, select_rules
        from pgarch_lint.registry import rule_refs

        rules = list(rule_refs())
        if preset:
            rules = select_rules(rules, Settings(preset=preset))
        if fmt == "json":
            import json

            data = [
                {
                    "name": r.qualified_name,
                    "category": r.category.value,
                    "severity": r.severity.value,
                    "default": r.default,
                    "summary": r.summary,
                }
                for r in rules
            ]
            click.echo(json.dumps(data, indent=2))
            return
        width = max((len(r.qualified_name) for r in rules), default=10)
        for r in sorted(rules, key=lambda r: (r.category.value, r.qualified_name)):
            on = "" if r.default else " (opt-in)"
            click.echo(
                f"{r.qualified_name:<{width}}  {r.category.value:<16}  {r.severity.value:<7}  "
                f"{r.summary}{on}"
            )


@main.command()
@click.argument("rule_name")
def explain(rule_name: str) -> None:
    """Print a rule's full documentation."""
    with _Guard():
        from pgarch_lint.docs import rule_page
        from pgarch_lint.registry import rules_by_name

        rules = rules_by_name()
        r = rules.get(rule_name)
        if r is None:
            import difflib

            close = difflib.get_close_matches(rule_name, list(rules), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            _die(f"unknown rule {rule_name!r}{hint}")
        click.echo(rule_page(r), nl=False)


# --- schema --------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    help="Files replayed before PATHS (same as for check).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--output", type=click.Path(dir_okay=False), default=None)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--debug", is_flag=True)
def schema(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_file: str | None,
    debug: bool,
) -> None:
    """Replay SQL files and print the schema catalog the linter believes in."""
    with _Guard(debug):
        from pgarch_lint.config import load_settings
        from pgarch_lint.engine import Engine, FileInput
        from pgarch_lint.files import collect, display_path
        from pgarch_lint.schema_report import render_json, render_text

        settings = load_settings(Path(config_file) if config_file else None)
        inputs = [
            FileInput(display_path(p), p.read_bytes(), True)
            for p in collect(context_paths, root=settings.root, lint_down=settings.lint_down)
        ]
        inputs += [
            FileInput(display_path(p), p.read_bytes(), False)
            for p in collect(
                [p for p in paths if p != "-"],
                root=settings.root,
                exclude=settings.exclude,
                lint_down=settings.lint_down,
            )
        ]
        if "-" in paths:
            inputs.append(FileInput("<stdin>", sys.stdin.buffer.read(), False))
        engine = Engine(settings, [])
        engine.run(inputs)
        out, done = _open_output(output)
        ok = False
        try:
            if fmt == "json":
                import json

                json.dump(render_json(engine.catalog), out, indent=2, ensure_ascii=False)
                out.write("\n")
            else:
                out.write(render_text(engine.catalog))
            out.flush()
            ok = True
        finally:
            done(ok)


# --- conventions ---------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    help="Files replayed before PATHS (same as for check).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "toml", "json"]),
    default="text",
    help="toml: a [naming] block to paste into the configuration.",
)
@click.option("--output", type=click.Path(dir_okay=False), default=None)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option(
    "--dsn", default=None, help="Also read the schema of a live database (pgarch-lint[live])."
)
@click.option("--debug", is_flag=True)
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
    with _Guard(debug):
        from pgarch_lint.analysis import conventions as conv
        from pgarch_lint.config import load_settings
        from pgarch_lint.engine import Engine

        settings = load_settings(Path(config_file) if config_file else None)
        inputs = _check_inputs(paths, context_paths, settings, None, None)
        catalog = None
        if dsn:
            from pgarch_lint.live.checkmode import read_snapshot, snapshot_inputs

            live_inputs, catalog = snapshot_inputs(read_snapshot(dsn), context=True)
            inputs = [*live_inputs, *inputs]
        engine = Engine(settings, [], catalog)
        engine.run(inputs, ["-"])
        style = conv.house_style(engine.catalog, settings.naming)
        out, done = _open_output(output)
        ok = False
        try:
            if fmt == "json":
                import json

                json.dump(conv.report_json(style), out, indent=2)
                out.write("\n")
            elif fmt == "toml":
                out.write(conv.report_toml(style))
            else:
                out.write(conv.report_text(style))
            out.flush()
            ok = True
        finally:
            done(ok)


# --- model ---------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    help="Files replayed before PATHS (same as for check).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "mermaid", "dot", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the document to FILE (atomically) instead of stdout.",
)
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
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
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
    with _Guard(debug):
        from pgarch_lint.config import load_settings, select_rules
        from pgarch_lint.model import model_document
        from pgarch_lint.registry import rule_refs

        all_rules = rule_refs()
        settings = load_settings(Path(config_file) if config_file else None, rules=all_rules)
        rules = select_rules(all_rules, settings)
        inputs = _check_inputs(paths, context_paths, settings, None, None)
        text = model_document(
            inputs,
            settings,
            rules,
            fmt=fmt,
            schemas=_split(schemas) or (),
            tables=_split(tables) or (),
            known_rule_names=[r.qualified_name for r in all_rules],
        )
        out, done = _open_output(output)
        ok = False
        try:
            out.write(text)
            out.flush()
            ok = True
        finally:
            done(ok)


# --- live database: inspect / verify --------------------------------------------------------


def _live_settings(
    config_file: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None
) -> tuple[Any, Any, Any]:
    from pgarch_lint.config import load_settings, select_rules, validate_names
    from pgarch_lint.registry import rule_refs

    all_rules = rule_refs()
    settings = load_settings(Path(config_file) if config_file else None, rules=all_rules)
    cli_sel = _split(select)
    if cli_sel is not None:
        settings.select = cli_sel
    settings.ignore = (*settings.ignore, *(_split(ignore) or ()))
    if fail_on:
        settings.fail_on = fail_on
    validate_names(settings, list(all_rules), "command line")
    return settings, select_rules(all_rules, settings), all_rules


def _emit_report(
    report: Any, settings: Any, fmt: str, output: str | None, quiet: bool, statistics: bool
) -> NoReturn:
    from pgarch_lint.config import fail_threshold
    from pgarch_lint.reporters import render

    out, done = _open_output(output)
    color = (
        output is None and fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    ok = False
    try:
        render(fmt, report, out, color=color, quiet=quiet, statistics=statistics)
        out.flush()
        ok = True
    finally:
        done(ok)
    threshold = fail_threshold(settings.fail_on)
    failed = any(
        {"error": 3, "warning": 2, "info": 1}[f.severity] >= threshold for f in report.findings
    )
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--dsn", required=True, help="libpq connection string or postgresql:// URI.")
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Only this schema (repeatable, comma-separated; default: all user schemas).",
)
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated).")
@click.option("--ignore", multiple=True, help="Drop these rules or categories.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--quiet", is_flag=True, help="Only the summary.")
@click.option("--statistics", is_flag=True, help="Counts per rule.")
def inspect(
    dsn: str,
    schemas: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    fmt: str,
    output: str | None,
    config_file: str | None,
    quiet: bool,
    statistics: bool,
) -> None:
    """Run the whole-schema rules (and unused-index, invalid-index) on a live database."""
    with _Guard():
        from pgarch_lint.live.checkmode import run_inspect

        settings, rules, all_rules = _live_settings(config_file, select, ignore, fail_on)
        report = run_inspect(
            dsn, settings, rules, [r.qualified_name for r in all_rules], _split(schemas) or ()
        )
        _emit_report(report, settings, fmt, output, quiet, statistics)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--dsn", required=True, help="libpq connection string or postgresql:// URI.")
@click.option(
    "--allow-db",
    "allow_db",
    default=None,
    metavar="PATTERN",
    help="Regular expression the database name must match (default: test|scratch|ci|dev).",
)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)
@click.option("--quiet", is_flag=True, help="Only the summary.")
def verify(
    paths: tuple[str, ...],
    dsn: str,
    allow_db: str | None,
    fail_on: str | None,
    fmt: str,
    output: str | None,
    config_file: str | None,
    quiet: bool,
) -> None:
    """Apply migrations on a test database, report failures, locks and rewrites, roll back."""
    with _Guard():
        from pgarch_lint.live.verify import DEFAULT_ALLOW_DB
        from pgarch_lint.live.verify import verify as run_verify

        settings, _rules, _all = _live_settings(config_file, (), (), fail_on)
        inputs = _check_inputs(paths, (), settings, None, None)
        report = run_verify(dsn, inputs, settings, allow_db=allow_db or DEFAULT_ALLOW_DB)
        _emit_report(report, settings, fmt, output, quiet, False)


# --- init ----------------------------------------------------------------------------------


@main.command()
@click.option("--yes", "-y", is_flag=True, help="Take the detected defaults without asking.")
@click.option(
    "--path",
    "target_dir",
    type=click.Path(file_okay=False),
    default=".",
    help="Project directory (default: current).",
)
def init(yes: bool, target_dir: str) -> None:
    """Write a commented starter config into pyproject.toml or pgarch-lint.toml."""
    with _Guard():
        from pgarch_lint.init import run_init

        interactive = not yes and sys.stdin.isatty()
        msg = run_init(Path(target_dir), interactive=interactive)
        click.echo(msg)


def entry() -> NoReturn:
    """The console script and ``python -m pgarch_lint``: run, flush, leave without teardown.

    Tearing the interpreter down (freeing every module, pglast's thousands of objects) costs
    ~13 ms, a tenth of a pre-commit run on one migration, and nothing needs it: the commands
    close their files and connections themselves, the standard streams are flushed here and
    atexit handlers still run. (mypy's ``--fast-exit`` does the same.) In-process callers
    (tests, ``CliRunner``) call :data:`main`, which exits normally.
    """
    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        sys.exit(code)  # a message: let Python print it
    try:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # a closed pipe or the like: the normal exit reports it
        sys.exit(code)
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    entry()
