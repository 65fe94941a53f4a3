"""Options several commands take, declared once, and :func:`collect`, which hands a command
related options as one small object instead of one parameter each.

A declaration takes the few things that differ from one command to another (its help text,
whether the default is shown) as keyword arguments passed on to :func:`click.option`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar  # Any: click's keyword-argument plumbing

import click

F = TypeVar("F", bound=Callable[..., Any])

FAIL_ON_CHOICES = ["error", "warning", "info", "never"]
PRESET_CHOICES = ["recommended", "strict"]


def paths_argument(required: bool = False) -> Callable[[F], F]:
    """PATHS: files, folders or '-' for stdin."""
    return click.argument("paths", nargs=-1, required=required)


def format_option(choices: Sequence[str], default: str = "text", **extra: Any) -> Callable[[F], F]:
    """``--format`` (the parameter ``fmt``)."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, **extra)


def output_option(**extra: Any) -> Callable[[F], F]:
    """``--output FILE`` (None: stdout)."""
    return click.option("--output", type=click.Path(dir_okay=False), default=None, **extra)


def config_option() -> Callable[[F], F]:
    """``--config FILE`` (the parameter ``config_file``; None: found by walking up)."""
    return click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None)


def context_option(help: str) -> Callable[[F], F]:
    """``--context`` (the parameter ``context_paths``): files replayed before PATHS."""
    return click.option("--context", "context_paths", multiple=True, help=help)


def debug_option(**extra: Any) -> Callable[[F], F]:
    """``--debug``: tracebacks instead of one line."""
    return click.option("--debug", is_flag=True, **extra)


def select_option() -> Callable[[F], F]:
    return click.option(
        "--select", multiple=True, help="Only these rules or categories (comma-separated)."
    )


def ignore_option() -> Callable[[F], F]:
    return click.option("--ignore", multiple=True, help="Drop these rules or categories.")


def preset_option(**extra: Any) -> Callable[[F], F]:
    return click.option("--preset", type=click.Choice(PRESET_CHOICES), default=None, **extra)


def fail_on_option(**extra: Any) -> Callable[[F], F]:
    return click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=None, **extra)


def quiet_option() -> Callable[[F], F]:
    return click.option("--quiet", is_flag=True, help="Only the summary.")


def collect(name: str, group: type) -> Callable[[F], F]:
    """Pass the options named like the slots of the class ``group`` to the command as one
    ``group`` instance, the parameter ``name``; slots without an option of the command keep
    their defaults. Put it below the option declarations (it must wrap the command's function
    before they do)."""
    fields: tuple[str, ...] = group.__slots__  # type: ignore[attr-defined]

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            kwargs[name] = group(**{f: kwargs.pop(f) for f in fields if f in kwargs})
            return fn(**kwargs)

        return command  # type: ignore[return-value]

    return deco
