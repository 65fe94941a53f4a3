"""Command line: ``pgarch-lint check|rules|explain|schema|conventions|model|plan|inspect|verify|init|clean|server``.

group.py holds the click group and the table of commands (:data:`COMMANDS`); one module per
command group declares the click commands: cmd_check (check), cmd_rules (rules, explain),
cmd_schema (schema, conventions, model), cmd_plan (plan), cmd_live (inspect, verify), cmd_init
(init), cmd_clean (clean), cmd_server (server: the language server of pgarch_lint/lsp/).
``check`` itself runs in checking.py, without click: its options are data there, and fast.py
reads a plain ``check`` from them without importing click (see :func:`entry`). What the
commands share: common.py (the one-line error exit, :class:`~pgarch_lint.cli.common.Guard`),
options.py (options declared once as data, and :func:`~pgarch_lint.cli.options.collect`,
which groups a command's options), settings.py (the flags that override the configuration,
applied in one place), inputs.py (the files to read, in replay order) and output.py (writing
a report or a document).

Heavy modules (click, pglast, pydantic, reporters, rules) are imported where they are needed,
so ``--version`` and ``--help`` stay instant and a plain ``check`` imports no click. Every
expected problem (config, usage, I/O) is one line on stderr and exit code 2; an unexpected one
too, unless ``--debug``."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from pgarch_lint.cli.group import COMMANDS as COMMANDS
    from pgarch_lint.cli.group import main as main

__all__ = ["COMMANDS", "entry", "main"]


def __getattr__(name: str) -> Any:
    """What :mod:`pgarch_lint.cli.group` holds, imported on first use (a plain ``check`` runs
    without click, see :mod:`pgarch_lint.cli.fast`): the click group :data:`main`, the table
    :data:`COMMANDS` and the commands under their old names (``from pgarch_lint.cli import
    check``)."""
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    group = import_module("pgarch_lint.cli.group")  # not a from-import: that asks here
    if name in ("main", "COMMANDS"):
        return getattr(group, name)
    for cmd_name, (_, attr) in group.COMMANDS.items():
        if attr == name:
            return group.load(cmd_name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def entry() -> NoReturn:
    """The console script and ``python -m pgarch_lint``: run, flush, leave without teardown.

    Tearing the interpreter down (freeing every module, pglast's thousands of objects) costs
    ~13 ms, a tenth of a pre-commit run on one migration, and nothing needs it: the commands
    close their files and connections themselves, the standard streams are flushed here and
    atexit handlers still run. (mypy's ``--fast-exit`` does the same.) In-process callers
    (tests, ``CliRunner``) call :data:`main`, which exits normally.

    A plain ``check`` (options :mod:`pgarch_lint.cli.fast` reads exactly as click would) runs
    without importing click; anything else (help, a usage error, another command) goes
    through click.
    """
    import gc

    from pgarch_lint import startup
    from pgarch_lint.startup import install

    # The cyclic garbage collector, at its default thresholds, runs a full collection every
    # few hundred thousand allocations and walks every live object each time: start-up
    # (pglast's AST classes, the rules) and a big history allocate millions that live to the
    # end. Collecting less often (as mypy does) saves 7 ms of a run on one migration and a
    # fifth of a 3 MB history's; the peak memory is the same.
    gc.set_threshold(100_000, 20, 20)
    startup.ONE_RUN = True  # this process ends after the run (see pgarch_lint.cache._load)
    install()  # dataclass methods compiled in earlier runs are not compiled again
    code: str | int | None = 0
    try:
        done = None
        if sys.argv[1:2] == ["check"]:  # the usual run: without click when it can be
            from pgarch_lint.cli.fast import check

            done = check(sys.argv[2:])
        if done is None:
            from pgarch_lint.cli.group import main

            main()
        code = done
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
