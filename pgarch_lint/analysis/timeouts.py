"""Which lock of a statement the timeout rules report (``require-lock-timeout``,
``require-statement-timeout``).

Both rules report one statement per file for a missing timeout: the first that takes a lock
which blocks writes (SHARE or stronger) on an existing table, as a warning; or, when the file
has taken no lock at all before it, the first that takes a weaker one, as info. They differ in
which locks count (a lock the transaction already holds is not waited for again, but the
statement may still run long while holding it) and in what the file already took; the choice
itself is :func:`lock_to_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgarch_lint.locks import LockMode, LockTaken

__all__ = ["lock_to_report"]


def lock_to_report(
    locks: Sequence[LockTaken], before: LockMode | None
) -> tuple[LockTaken, bool] | None:
    """The lock a timeout rule reports for a statement, and whether it blocks writes:
    ``locks`` are the statement's locks that count, ``before`` the strongest lock that counted
    earlier in the file (None: none yet). None when nothing is to be reported: no lock, or the
    file's first strong lock (or, for a weak one, its first lock) came earlier."""
    if before is not None and before.blocks_writes:
        return None  # the file's first strong lock was reported already
    strong = next((lk for lk in locks if lk.mode.blocks_writes), None)
    if strong is not None:
        return strong, True
    if locks and before is None:
        return locks[0], False
    return None
