"""``pgarch-lint clean``: delete the results cache."""

from __future__ import annotations

from pathlib import Path

import click

from pgarch_lint.cli.common import Guard
from pgarch_lint.cli.options import config_option


@click.command()
@config_option()
def clean(config_file: str | None) -> None:
    """Delete the results cache of the project (.pgarch-lint-cache at its root, the
    configured cache-dir or $PGARCH_LINT_CACHE_DIR)."""
    with Guard():
        from pgarch_lint.cache import clean as clean_folder
        from pgarch_lint.cache import folder_for
        from pgarch_lint.config import load_settings

        settings = load_settings(Path(config_file) if config_file else None)
        folder = folder_for(settings)
        if folder is None:
            click.echo("pgarch-lint: the cache is off (PGARCH_LINT_NO_CACHE): nothing to do")
            return
        try:
            removed = clean_folder(folder)
        except OSError as exc:
            raise click.ClickException(f"cannot delete {folder}: {exc.strerror or exc}") from None
        click.echo(f"pgarch-lint: {'deleted' if removed else 'nothing to delete in'} {folder}")
