"""What every command shares: the one-line error exit and the guard that leads to it.

Every expected problem (config, usage, I/O, a broken rule pack, a failed rule) is one line on
stderr, ``pgarch-lint: error: ...``, and exit code 2; an unexpected one too, unless ``--debug``.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

from pgarch_lint.errors import ConfigError, InternalError, LiveError, RegistryError

if TYPE_CHECKING:
    from types import TracebackType


def echo(message: str, err: bool = False, nl: bool = True) -> None:
    """Print ``message`` on stdout (stderr with ``err``) and flush, as ``click.echo`` does,
    without importing click for the usual case: ASCII without escape sequences (click would
    strip those when the stream is not a terminal, and it also handles odd encodings)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console (pythonw): click writes nothing either
        return
    if not message.isascii() or "\x1b" in message:
        import click

        click.echo(message, err=err, nl=nl)
        return
    stream.write(f"{message}\n" if nl else message)
    stream.flush()


def die(msg: str) -> NoReturn:
    """Print ``pgarch-lint: error: msg`` on stderr and exit 2."""
    echo(f"pgarch-lint: error: {msg}", err=True)
    sys.exit(2)


def split_names(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Repeatable, comma-separated values as one tuple; None when none was given."""
    if not values:
        return None
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


class Guard:
    """Turn expected exceptions into one line and exit 2; a closed pipe exits quietly."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug

    def __enter__(self) -> Guard:
        return self

    def __exit__(
        self,
        et: type[BaseException] | None,
        ev: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if ev is None or isinstance(ev, SystemExit):
            return
        click = sys.modules.get("click")  # not imported: none of its exceptions can arise
        if click is not None and isinstance(ev, (click.exceptions.Exit, click.ClickException)):
            return
        if isinstance(ev, BrokenPipeError):
            _quiet_pipe()
        if isinstance(ev, ConfigError):
            die(str(ev))
        if isinstance(ev, LiveError):  # already redacted: never holds the DSN's password
            die(str(ev))
        if self.debug:
            return
        if isinstance(ev, (InternalError, RegistryError)):
            die(str(ev))
        if isinstance(ev, OSError):
            die(f"{ev.filename or ''}: {ev.strerror or ev}".lstrip(": "))
        if isinstance(ev, KeyboardInterrupt):
            echo("pgarch-lint: interrupted", err=True)
            sys.exit(130)
        die(f"internal error: {type(ev).__name__}: {ev} (run with --debug for the traceback)")


def _quiet_pipe() -> NoReturn:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    sys.exit(1)
