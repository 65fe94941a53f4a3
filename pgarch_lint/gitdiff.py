"""``--since GIT_REF``: which files changed on this branch.

The comparison is against the merge base of GIT_REF and HEAD (what ``git diff REF...HEAD``
shows, i.e. what a pull request adds), not against the tip of GIT_REF: changes that landed on
the base branch after this branch forked are not "changed here". The working tree is compared
too, so uncommitted edits and new untracked (not ignored) files count as changed; in CI the
working tree is clean and this is exactly the pull request's diff. Added, copied, modified and
renamed files count (``--diff-filter=ACMR``, rename detection on); deleted files do not exist
any more and type changes are ignored.

git runs through :mod:`subprocess` with a timeout; every failure is a :class:`GitError` whose
message is one line for the user.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pgarch_lint.errors import GitError

TIMEOUT = 60.0


def _git(args: list[str], cwd: Path, *, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env, check=False
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} timed out after {TIMEOUT:.0f} s") from exc
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}")
    return proc


def _fetch_hint(ref: str) -> str:
    remote, sep, branch = ref.partition("/")
    if sep and branch and remote in ("origin", "upstream"):
        return f"git fetch --depth=1 {remote} {branch}"
    return f"git fetch origin {ref}"


def repo_root(cwd: Path) -> Path:
    proc = _git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if proc.returncode != 0:
        raise GitError("not inside a git repository")
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


def _is_shallow(cwd: Path) -> bool:
    proc = _git(["rev-parse", "--is-shallow-repository"], cwd, check=False)
    return proc.stdout.strip() == b"true"


def merge_base(ref: str, cwd: Path) -> str:
    """The commit to diff against, with a clear message when it cannot be found."""
    if ref.startswith("-"):
        raise GitError(f"{ref}: not a git revision")
    proc = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd,
        check=False,
    )
    if proc.returncode != 0:
        if _is_shallow(cwd):
            hint = f" (in a shallow clone, fetch it first: {_fetch_hint(ref)})"
        else:
            hint = f" (fetch it first? {_fetch_hint(ref).replace('--depth=1 ', '')})"
        raise GitError(f"{ref}: unknown git revision{hint}")
    target = proc.stdout.decode().strip()
    proc = _git(["merge-base", target, "HEAD"], cwd, check=False)
    if proc.returncode != 0:
        if _is_shallow(cwd):
            raise GitError(
                f"{ref}: no common ancestor with HEAD in this shallow clone "
                "(fetch the history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
            )
        raise GitError(f"{ref}: no common ancestor with HEAD")
    return proc.stdout.decode().strip()


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Resolved paths of the files added, copied, modified or renamed since REF's merge base,
    including uncommitted changes and untracked files."""
    root = repo_root(cwd)
    base = merge_base(ref, cwd)
    diff = _git(
        [
            "-c",
            "core.quotePath=false",
            "diff",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
            "-M",
            base,
            "--",
        ],
        root,
    )
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], root)
    names = [n for n in (diff.stdout + untracked.stdout).split(b"\0") if n]
    return {(root / os.fsdecode(n)).resolve() for n in names}
