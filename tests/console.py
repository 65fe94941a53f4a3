"""Run pgarch-lint's console script (``pgarch_lint.cli:entry``) in a fresh interpreter, as an
installed ``pgarch-lint`` runs, and read back what the process was like at its end (which
modules it imported, the garbage collector's state...): entry() leaves without tearing the
interpreter down, so only the process itself can say."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def console_script(
    args: Sequence[str],
    cwd: Path,
    *,
    report: str,
    setup: Sequence[str] = (),
    after_import: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run ``pgarch-lint ARGS`` in ``cwd``; return the process (its stderr without the last
    line) and the value of the expression ``report`` at exit (``str`` of it; ``sys`` and ``gc``
    are imported). ``setup`` lines run first, ``after_import`` lines once ``pgarch_lint.cli``
    is imported, before the run."""
    code = "\n".join(
        [
            "import atexit, gc, sys",
            *setup,
            f"atexit.register(lambda: print({report}, file=sys.stderr))",
            "sys.argv = ['pgarch-lint', *sys.argv[1:]]",
            "import pgarch_lint.cli",
            *after_import,
            "pgarch_lint.cli.entry()",
            "",
        ]
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )
    *rest, said = proc.stderr.splitlines() or [""]
    proc.stderr = "".join(line + "\n" for line in rest)
    return proc, said
