"""Where a command writes: stdout or a file replaced atomically; and the report of a check."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from pgarch_lint.config import Settings
    from pgarch_lint.findings import Report


def escapes_allowed() -> bool:
    """Whether the terminal may receive escape sequences at all (colour, line clearing):
    not with ``NO_COLOR`` set or ``TERM=dumb``."""
    return "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal that allows escapes; ``FORCE_COLOR`` (non-empty) forces it
    anywhere, even into a pipe, unless ``NO_COLOR`` is set."""
    if "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return escapes_allowed() and stream.isatty()


def open_output(path: str | None) -> tuple[TextIO, Callable[[bool], None]]:
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


def write_output(path: str | None, write: Callable[[TextIO], object]) -> None:
    """Call ``write`` with the output stream (see :func:`open_output`), then flush it; the
    file is replaced only when ``write`` succeeds."""
    out, done = open_output(path)
    ok = False
    try:
        write(out)
        out.flush()
        ok = True
    finally:
        done(ok)


class ReportOptions:
    """How a report is written: ``--format``, ``--output``, ``--quiet``, ``--statistics``."""

    __slots__ = ("fmt", "output", "quiet", "statistics", "to_stderr")

    def __init__(
        self,
        fmt: str = "text",
        output: str | None = None,
        quiet: bool = False,
        statistics: bool = False,
    ) -> None:
        self.fmt = fmt
        self.output = output
        self.quiet = quiet
        self.statistics = statistics
        self.to_stderr = False  # stdout carries something else (``--fix`` of stdin)


def emit_report(report: Report, settings: Settings, how: ReportOptions) -> NoReturn:
    """Write the report and exit: 1 when a finding reaches ``fail-on``, else 0."""
    from pgarch_lint.config import fail_threshold
    from pgarch_lint.reporters import render

    stream = sys.stderr if how.to_stderr else sys.stdout
    color = how.output is None and how.fmt == "text" and use_color(stream)

    def write(out: TextIO) -> None:
        render(how.fmt, report, out, color=color, quiet=how.quiet, statistics=how.statistics)

    if how.to_stderr and how.output is None:
        write(sys.stderr)
        sys.stderr.flush()
    else:
        write_output(how.output, write)
    threshold = fail_threshold(settings.fail_on)
    failed = any(
        {"error": 3, "warning": 2, "info": 1}[f.severity] >= threshold for f in report.findings
    )
    sys.exit(1 if failed else 0)
