"""``pgarch-lint init``: a starter configuration."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgarch_lint.cli.common import Guard


@click.command()
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
    with Guard():
        from pgarch_lint.init import run_init

        interactive = not yes and sys.stdin.isatty()
        msg = run_init(Path(target_dir), interactive=interactive)
        click.echo(msg)
