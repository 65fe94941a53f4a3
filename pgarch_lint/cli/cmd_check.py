"""``pgarch-lint check``: lint SQL files (the click command; the run is
:func:`pgarch_lint.cli.checking.run_check`, its options :data:`~pgarch_lint.cli.checking.OPTIONS`,
grouped as :data:`~pgarch_lint.cli.checking.GROUPS` says, as :mod:`pgarch_lint.cli.fast` does).
"""

from __future__ import annotations

from typing import Any

import click

from pgarch_lint.cli.checking import GROUPS, OPTIONS, run_check
from pgarch_lint.cli.options import declare, grouped, paths_argument

__all__ = ["check"]


def _check(**params: Any) -> None:
    run_check(**grouped(params, GROUPS))


check = click.command(
    "check", help="Lint SQL files, folders (recursively, *.sql) or '-' for stdin."
)(paths_argument()(declare(OPTIONS)(_check)))
