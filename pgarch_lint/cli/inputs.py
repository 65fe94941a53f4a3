"""The files a command reads, in replay order."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pgarch_lint.cli.common import die, echo

if TYPE_CHECKING:
    from pgarch_lint.config import Settings
    from pgarch_lint.files import FileInput
    from pgarch_lint.live.facts import LiveCatalog, LiveFacts


def check_inputs(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    settings: Settings,
    stdin_filename: str | None,
    since: str | None,
) -> list[FileInput]:
    """The engine's input, in replay order.

    ``--context`` files come first, in their order. A file that is both context and checked is
    checked at its place in the context sequence (so ``--context migrations/`` plus one changed
    migration replays the whole history in order). With ``--since``, files under PATHS that did
    not change become context, in natural order together with the changed ones.
    """
    from pgarch_lint.files import FileInput, display_path, read_bytes, relative_to_root

    skipped: list[str] = []
    seq = _replay_order(paths, context_paths, settings, _changed_since(since), skipped)
    named = {str(Path(r)) for r in (*paths, *context_paths)}
    inputs: list[FileInput] = []
    for p, is_context in seq:
        try:
            data = read_bytes(p)
        except IsADirectoryError:
            continue
        except OSError as exc:
            if str(p) in named:
                raise  # a file the user named: an error
            # found in a folder (a symlink loop, an unreadable or vanished file): skip it, loudly
            skipped.append(f"{display_path(p)}: cannot read: {exc.strerror or exc}")
            continue
        inputs.append(
            FileInput(display_path(p), data, is_context, relative_to_root(p, settings.root), str(p))
        )
    if "-" in paths:
        name = stdin_filename or "<stdin>"
        inputs.append(FileInput(name, sys.stdin.buffer.read(), False, name))
    for line in skipped:
        echo(f"pgarch-lint: note: skipped {line}", err=True)
    return inputs


def live_schema_first(
    inputs: list[FileInput], dsn: str | None, *, context: bool = True
) -> tuple[list[FileInput], LiveCatalog | None, LiveFacts | None]:
    """``inputs`` preceded by the schema of the live database at ``dsn`` (pgarch-lint[live];
    as context files unless ``context`` is false), the catalog that carries the database's
    facts, and those facts (sizes, row estimates). Without ``dsn``: the inputs alone."""
    if not dsn:
        return inputs, None, None
    from pgarch_lint.live.checkmode import read_snapshot, snapshot_inputs

    snap = read_snapshot(dsn)
    live_inputs, catalog = snapshot_inputs(snap, context=context)
    return [*live_inputs, *inputs], catalog, snap.facts


def _changed_since(since: str | None) -> set[str] | None:
    """The resolved paths of the files changed since ``--since GIT_REF`` (None: no --since)."""
    if since is None:
        return None
    from pgarch_lint.gitdiff import GitError, changed_files

    try:
        changed = changed_files(since, Path.cwd())
    except GitError as exc:
        msg = str(exc)
        die(f"--since {msg}" if msg.startswith(since) else f"--since {since}: {msg}")
    return {str(c) for c in changed}


def _replay_order(
    paths: tuple[str, ...],
    context_paths: tuple[str, ...],
    settings: Settings,
    changed_real: set[str] | None,
    skipped: list[str],
) -> list[tuple[Path, bool]]:
    """Every file with whether it is context only, in replay order (see check_inputs);
    sub-folders that cannot be listed are skipped and said in ``skipped``."""
    from pgarch_lint.files import collect, real_path

    seq: list[tuple[Path, bool]] = []
    where: dict[str, int] = {}  # real path → place in seq
    for p in collect(
        context_paths, root=settings.root, lint_down=settings.lint_down, skipped=skipped
    ):
        where.setdefault(real_path(p), len(seq))
        seq.append((p, True))
    for p in collect(
        [p for p in paths if p != "-"],
        root=settings.root,
        exclude=settings.exclude,
        lint_down=settings.lint_down,
        skipped=skipped,
    ):
        r = real_path(p)
        is_context = changed_real is not None and r not in changed_real
        if r in where:
            i = where[r]
            seq[i] = (seq[i][0], seq[i][1] and is_context)
        else:
            where[r] = len(seq)
            seq.append((p, is_context))
    return seq
