"""Options several commands take, declared once as data (:class:`Opt`), and :func:`collect`,
which hands a command related options as one small object instead of one parameter each.

An :class:`Opt` is what click needs to declare the option (:meth:`Opt.option`, click imported
only then) and what :mod:`pgarch_lint.cli.fast` needs to read a plain ``check`` without
importing click at all. A command varies the few things that differ from one command to
another (its help text, whether the default is shown) with :meth:`Opt.but` or as keyword
arguments of :meth:`Opt.option`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar  # Any: click's keyword-argument plumbing

F = TypeVar("F", bound=Callable[..., Any])

FAIL_ON_CHOICES = ["error", "warning", "info", "never"]
PRESET_CHOICES = ["recommended", "strict"]

Kind = Literal["value", "multiple", "flag", "switch"]


class Opt:
    """One option as data.

    ``kind``: ``value`` (takes one value; the last one given wins), ``multiple`` (repeatable,
    a tuple), ``flag`` (``--x``: True) or ``switch`` (``--x/--no-x``: True or False, ``default``
    when absent). The value's type: ``choices``, ``int_range`` (bounds, None: open) or
    ``is_path`` (a file, not a folder); otherwise a string. ``extra``: click's other keyword
    arguments (help, metavar, show_default), which change nothing but the help.
    """

    __slots__ = ("choices", "decls", "default", "extra", "int_range", "is_path", "kind", "name")

    def __init__(
        self,
        *decls: str,
        name: str,
        kind: Kind = "value",
        choices: Sequence[str] | None = None,
        int_range: tuple[int | None, int | None] | None = None,
        is_path: bool = False,
        default: object = None,
        **extra: Any,
    ) -> None:
        self.decls = decls
        self.name = name
        self.kind = kind
        self.choices = None if choices is None else tuple(choices)
        self.int_range = int_range
        self.is_path = is_path
        self.default = default
        self.extra = extra

    def but(self, **extra: Any) -> Opt:
        """The same option with other help (or metavar, show_default, default)."""
        default = extra.pop("default", self.default)
        return Opt(
            *self.decls,
            name=self.name,
            kind=self.kind,
            choices=self.choices,
            int_range=self.int_range,
            is_path=self.is_path,
            default=default,
            **{**self.extra, **extra},
        )

    @property
    def absent(self) -> object:
        """The value when the option is not given."""
        if self.kind == "flag":
            return False
        if self.kind == "multiple":
            return ()
        return self.default

    def option(self, **extra: Any) -> Callable[[F], F]:
        """The click decorator declaring this option."""
        import click

        attrs: dict[str, Any] = {**self.extra, **extra}
        if self.kind == "flag":
            attrs["is_flag"] = True
        elif self.kind == "multiple":
            attrs["multiple"] = True
        else:
            attrs["default"] = self.default
        if self.choices is not None:
            attrs["type"] = click.Choice(list(self.choices))
        elif self.int_range is not None:
            attrs["type"] = click.IntRange(*self.int_range)
        elif self.is_path:
            attrs["type"] = click.Path(dir_okay=False)
        return click.option(*self.decls, self.name, **attrs)


SELECT = Opt(
    "--select",
    name="select",
    kind="multiple",
    help="Only these rules or categories (comma-separated).",
)
IGNORE = Opt("--ignore", name="ignore", kind="multiple", help="Drop these rules or categories.")
PRESET = Opt("--preset", name="preset", choices=PRESET_CHOICES)
FAIL_ON = Opt("--fail-on", name="fail_on", choices=FAIL_ON_CHOICES)
OUTPUT = Opt("--output", name="output", is_path=True)
CONFIG = Opt("--config", name="config_file", is_path=True)
DEBUG = Opt("--debug", name="debug", kind="flag")
QUIET = Opt("--quiet", name="quiet", kind="flag", help="Only the summary.")


def paths_argument(required: bool = False) -> Callable[[F], F]:
    """PATHS: files, folders or '-' for stdin."""
    import click

    return click.argument("paths", nargs=-1, required=required)


def format_option(choices: Sequence[str], default: str = "text", **extra: Any) -> Callable[[F], F]:
    """``--format`` (the parameter ``fmt``)."""
    return format_opt(choices, default).option(**extra)


def format_opt(choices: Sequence[str], default: str = "text") -> Opt:
    return Opt("--format", name="fmt", choices=choices, default=default)


def output_option(**extra: Any) -> Callable[[F], F]:
    """``--output FILE`` (None: stdout)."""
    return OUTPUT.option(**extra)


def config_option() -> Callable[[F], F]:
    """``--config FILE`` (the parameter ``config_file``; None: found by walking up)."""
    return CONFIG.option()


def context_opt(help: str) -> Opt:
    """``--context`` (the parameter ``context_paths``): files replayed before PATHS."""
    return Opt("--context", name="context_paths", kind="multiple", help=help)


def context_option(help: str) -> Callable[[F], F]:
    return context_opt(help).option()


def debug_option(**extra: Any) -> Callable[[F], F]:
    """``--debug``: tracebacks instead of one line."""
    return DEBUG.option(**extra)


def select_option() -> Callable[[F], F]:
    return SELECT.option()


def ignore_option() -> Callable[[F], F]:
    return IGNORE.option()


def preset_option(**extra: Any) -> Callable[[F], F]:
    return PRESET.option(**extra)


def fail_on_option(**extra: Any) -> Callable[[F], F]:
    return FAIL_ON.option(**extra)


def quiet_option() -> Callable[[F], F]:
    return QUIET.option()


def declare(options: Sequence[Opt]) -> Callable[[F], F]:
    """Declare ``options`` on a click command, in this order (in ``--help`` too)."""

    def deco(fn: F) -> F:
        for opt in reversed(options):  # click lists the decorator applied last first
            fn = opt.option()(fn)
        return fn

    return deco


def grouped(kwargs: dict[str, Any], groups: Mapping[str, type]) -> dict[str, Any]:
    """``kwargs`` with the parameters named like the slots of each group's class replaced by
    one instance of it under the group's name (slots not in ``kwargs`` keep their defaults)."""
    for name, group in groups.items():
        fields: tuple[str, ...] = group.__slots__  # type: ignore[attr-defined]
        kwargs[name] = group(**{f: kwargs.pop(f) for f in fields if f in kwargs})
    return kwargs


def collect(name: str, group: type) -> Callable[[F], F]:
    """Pass the options named like the slots of the class ``group`` to the command as one
    ``group`` instance, the parameter ``name`` (see :func:`grouped`). Put it below the option
    declarations (it must wrap the command's function before they do)."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            return fn(**grouped(kwargs, {name: group}))

        return command  # type: ignore[return-value]

    return deco
