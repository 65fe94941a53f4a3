"""Applying fixes: ``check --fix``, ``--unsafe-fixes`` and ``--diff``.

A rule attaches a :class:`pgarch_lint.api.Fix` to a violation; the engine turns it into a
:class:`~pgarch_lint.findings.FindingFix` (edits of the file's decoded text, written with the
file's line endings). Here the edits are applied like ruff does: per file, in file order, every
fix whose edits touch no edit already taken this pass; then the files are linted again and the
fixes that waited (or that the first ones made possible) are applied, for at most
:data:`MAX_PASSES` passes.

Files keep their encoding and byte-order mark; a file that is not valid UTF-8, or that has a
statement PostgreSQL cannot parse, is never rewritten. Writing is atomic and keeps the file's
mode (:func:`write_atomic`). Nothing here imports the engine: the caller passes the function
that lints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pgarch_lint.findings import Finding, FindingFix, Report

if TYPE_CHECKING:
    from pgarch_lint.files import FileInput

__all__ = [
    "MAX_PASSES",
    "FixRun",
    "apply_fixes",
    "decode_for_fix",
    "encode_fixed",
    "fix_inputs",
    "offered",
    "write_atomic",
]

MAX_PASSES = 10
BOM = b"\xef\xbb\xbf"


def offered(f: Finding, unsafe: bool) -> FindingFix | None:
    """The finding's fix when this run may apply it."""
    fix = f.fix
    if fix is None or not (fix.safe or unsafe):
        return None
    return fix


def _touches(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # closed intervals: two insertions at one offset, or an insertion at the edge of a
    # replacement, are ordered ambiguously, so the second waits for the next pass
    return a[0] <= b[1] and b[0] <= a[1]


def apply_fixes(text: str, fixes: Iterable[FindingFix]) -> tuple[str, int]:
    """``text`` with every fix applied that does not touch an earlier one (in file order of
    their first edit), and how many were applied."""
    taken: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    applied = 0
    for fix in sorted(fixes, key=lambda x: min((e.start.offset for e in x.edits), default=0)):
        spans = [(e.start.offset, e.end.offset) for e in fix.edits]
        if not spans or any(_touches(s, t) for s in spans for t in taken):
            continue
        taken.extend(spans)
        edits.extend((e.start.offset, e.end.offset, e.content) for e in fix.edits)
        applied += 1
    for start, end, content in sorted(edits, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def decode_for_fix(data: bytes) -> tuple[str, bool] | None:
    """The text fixes are offsets of, and whether the file starts with a byte-order mark;
    None when the file is not valid UTF-8 (it is never rewritten)."""
    bom = data.startswith(BOM)
    try:
        return data[3 if bom else 0 :].decode("utf-8"), bom
    except UnicodeDecodeError:
        return None


def encode_fixed(text: str, bom: bool) -> bytes:
    return (BOM if bom else b"") + text.encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` through a temporary file in its folder,
    keeping its permission bits; the file is either old or new, never half-written."""
    import tempfile

    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass(slots=True)
class FixRun:
    """The outcome of :func:`fix_inputs`: the last report, the inputs with their fixed
    bytes, which of them changed, and how many fixes were applied."""

    report: Report
    inputs: list[FileInput]
    changed: list[int]  # indexes into ``inputs``
    applied: int
    converged: bool


def fix_inputs(
    lint: Callable[[list[FileInput]], Report],
    inputs: Sequence[FileInput],
    *,
    unsafe: bool,
    fixable: Callable[[FileInput], bool] = lambda f: True,
) -> FixRun:
    """Lint, apply the offered fixes of the checked files, lint again, until nothing is left
    to apply or :data:`MAX_PASSES` passes ran. ``fixable`` says which inputs may change (not
    context files)."""
    current = list(inputs)
    original = [f.data for f in current]
    report = lint(current)
    broken_before = report.unparsable
    applied = 0
    converged = False
    for _ in range(MAX_PASSES):
        by_path: dict[str, list[FindingFix]] = {}
        for f in report.findings:
            fix = offered(f, unsafe)
            if fix is not None:
                by_path.setdefault(f.path, []).append(fix)
        progressed = False
        for i, inp in enumerate(current):
            fixes = by_path.get(inp.path)
            if not fixes or inp.context or not fixable(inp) or inp.path in report.unparsable:
                continue
            decoded = decode_for_fix(inp.data)
            if decoded is None:
                continue
            text, bom = decoded
            new_text, n = apply_fixes(text, fixes)
            if n and new_text != text:
                current[i] = replace(inp, data=encode_fixed(new_text, bom))
                applied += n
                progressed = True
        if not progressed:
            converged = True
            break
        report = lint(current)
    # a fix must never leave a file PostgreSQL cannot parse: such a file is left as it was
    reverted = [
        i
        for i, f in enumerate(current)
        if f.data != original[i] and f.path in report.unparsable and f.path not in broken_before
    ]
    for i in reverted:
        current[i] = replace(current[i], data=original[i])
    if reverted:
        report = lint(current)
        converged = False
    changed = [i for i, f in enumerate(current) if f.data != original[i]]
    return FixRun(report, current, changed, applied, converged)
