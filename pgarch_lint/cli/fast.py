"""A plain ``pgarch-lint check`` without click.

Importing click (and what it imports: ``uuid``, ``platform``, ``datetime``...) and building
the ``check`` command costs ~14 ms, more than a tenth of a pre-commit run on one migration.
:func:`parse` reads the arguments from the same table click declares the command from
(:data:`pgarch_lint.cli.checking.OPTIONS`) and gives the parameters click would give; whatever
it is not sure of — help, an unknown or malformed option, a value click would reject, a
cluster of short options, an option's value that looks like an option, shell completion,
Windows' wildcard expansion — it leaves to click, which then reports or runs it as always.
tests/cli/test_fast_check.py compares the two on generated command lines.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence

from pgarch_lint.cli.common import echo
from pgarch_lint.cli.options import Opt, grouped

__all__ = ["check", "parse"]


class _Decline(Exception):
    """This command line is click's to read."""


def check(argv: Sequence[str]) -> int | None:
    """Run ``pgarch-lint check ARGV``: the exit code, or None when click must run it."""
    if sys.platform == "win32" or "_PGARCH_LINT_COMPLETE" in os.environ:
        return None
    from pgarch_lint.cli.checking import GROUPS, OPTIONS, run_check

    params = parse(argv, OPTIONS)
    if params is None:
        return None
    try:
        run_check(**grouped(params, GROUPS))
    except (EOFError, KeyboardInterrupt):  # what click does with them (--debug lets them out)
        echo("", err=True)
        echo("pgarch-lint: interrupted", err=True)
        return 130
    return 0


def parse(argv: Sequence[str], options: Sequence[Opt]) -> dict[str, object] | None:
    """The parameters of a command taking ``options`` and the arguments PATHS, as click
    would give them for ``argv``; None when click must read it (see the module)."""
    longs: dict[str, tuple[Opt, object]] = {}
    shorts: dict[str, tuple[Opt, object]] = {}
    for opt in options:
        for decl in opt.decls:
            on, _, off = decl.partition("/")
            table = longs if on.startswith("--") else shorts
            table[on] = (opt, True)
            if off:
                table[off] = (opt, False)
    params: dict[str, object] = {opt.name: opt.absent for opt in options}
    paths: list[str] = []
    try:
        i = 0
        while i < len(argv):
            arg = argv[i]
            i += 1
            if arg == "--":
                paths.extend(argv[i:])
                break
            if arg[:1] != "-" or arg == "-":
                paths.append(arg)
                continue
            value: str | None
            if arg.startswith("--"):
                name, eq, given = arg.partition("=")
                hit = longs.get(name)
                value = given if eq else None
            else:
                hit = shorts.get(arg[:2])
                value = arg[2:] or None
            if hit is None:
                raise _Decline
            opt, flag_value = hit
            if opt.kind in ("flag", "switch"):
                if value is not None:
                    raise _Decline
                params[opt.name] = flag_value
                continue
            if value is None:
                if i >= len(argv) or (argv[i][:1] == "-" and argv[i] != "-"):
                    raise _Decline
                value = argv[i]
                i += 1
            converted = _convert(opt, value)
            if opt.kind == "multiple":
                params[opt.name] = (*params[opt.name], converted)  # type: ignore[misc]
            else:
                params[opt.name] = converted
    except _Decline:
        return None
    params["paths"] = tuple(paths)
    return params


def _convert(opt: Opt, value: str) -> object:
    """``value`` as click's type for ``opt`` gives it (_Decline: click would reject it, or
    might read it otherwise)."""
    if opt.choices is not None:
        if value not in opt.choices:
            raise _Decline
        return value
    if opt.int_range is not None:
        if not (value.isascii() and value.isdigit()):
            raise _Decline
        number = int(value)
        low, high = opt.int_range
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Decline
        return number
    if opt.is_path:  # click.Path(dir_okay=False): a missing file is fine, a folder is not
        try:
            mode = os.stat(value).st_mode
        except OSError:
            return value
        except ValueError:  # a NUL byte
            raise _Decline from None
        if stat.S_ISDIR(mode) or not os.access(value, os.R_OK):
            raise _Decline
    return value
