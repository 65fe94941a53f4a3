"""Start-up: the code of generated dataclass methods, compiled once per installation.

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``... and compiles it when the class is created; pgarch-lint creates some 60 such
classes on a plain ``check`` of one migration, and compiling their methods is three quarters
of that: ~25 ms, half of the interpreter's own start-up with pglast. Python's bytecode cache
(``__pycache__``) keeps the compiled modules but not this code, so :func:`install` keeps it in
the same place and with the same trust: ``<package>/__pycache__/dataclass-methods.<tag>.marshal``
(``tag`` names the interpreter; the file also records the bytecode's magic number). The methods
are the same text compiled the same way; only the compiling is skipped. Each code object is
kept marshalled on its own and read when its class is created: a run pays only for the
classes it creates (a plain ``check`` of one file: about half of them, 1 ms of 3).

It works by giving the ``dataclasses`` module an ``exec`` of its own (the module looks the name
up in its globals before the builtins): source text that was compiled before runs from the
kept code object. Only the console script installs it (:func:`pgarch_lint.cli.entry`), never
an importer of the package; nothing is written when Python is told not to write bytecode
(``PYTHONDONTWRITEBYTECODE``) or the folder is not writable.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import sys
from typing import Any

_MAX_BYTES = 4_000_000  # a file grown past this (code of many versions) starts again

#: True in the console script's process (set by :func:`pgarch_lint.cli.entry`), which ends
#: after one run: what it loads to keep to the end (the results cache's catalog) may be moved
#: out of the cyclic garbage collector's reach for good (``gc.freeze``). False for importers
#: of the package (tests, an editor's integration) and for ``pgarch-lint server``, whose
#: processes live on.
ONE_RUN = False


def _path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(here, "__pycache__", f"dataclass-methods.{tag}.marshal")


def install() -> None:
    """Let ``dataclasses`` reuse the code it compiled in earlier runs (see the module)."""
    import dataclasses

    if "exec" in vars(dataclasses):  # installed already (or dataclasses has its own)
        return
    import marshal
    from importlib.util import MAGIC_NUMBER

    path = _path()
    codes: dict[str, Any] = {}  # source text → its code, marshalled on its own
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if len(data) < _MAX_BYTES:
            magic, kept = marshal.loads(data)
            if magic == MAGIC_NUMBER and isinstance(kept, dict):
                codes = kept
    except Exception:  # missing, unreadable or foreign: compile as usual
        pass
    added: list[str] = []

    def exec_kept(source: Any, globals: Any = None, locals: Any = None) -> None:
        if isinstance(source, str):
            code = None
            kept = codes.get(source)
            if kept is not None:
                with contextlib.suppress(Exception):  # a damaged entry: compiled again
                    code = marshal.loads(kept)
            if code is None:
                code = compile(source, "<string>", "exec")
                codes[source] = marshal.dumps(code)
                added.append(source)
            source = code
        builtins.exec(source, globals, locals)

    def save() -> None:
        if not added or sys.dont_write_bytecode:
            return
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(marshal.dumps((MAGIC_NUMBER, codes)))
            os.replace(tmp, path)
        except OSError:  # a read-only installation: compile every time
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    import atexit

    atexit.register(save)
    dataclasses.exec = exec_kept  # type: ignore[attr-defined]
