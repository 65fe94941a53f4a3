"""Fixes as rules write them: edits of a file's text and how far they may be trusted.

Below the analysis layer (which builds edits for rules) and re-exported by :mod:`pgarch_lint.api`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Applicability", "Edit", "Fix"]


class Applicability(enum.StrEnum):
    """How far a fix may be trusted.

    ``SAFE``: the statement means the same after the edit (``IF NOT EXISTS``, a type spelled
    the recommended way on a table the same change creates): ``--fix`` applies it. ``UNSAFE``:
    the edit changes locking, transactions or data behaviour and needs a human's eyes: only
    ``--unsafe-fixes`` applies it.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two absolute offsets of the current file (``ctx.span``
    gives a node's) with ``content``; ``start == end`` inserts. Line breaks in ``content``
    are written ``\\n``: fixing turns them into the file's own line ending."""

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A finding's fix: a title (imperative, e.g. "Add CONCURRENTLY"), its edits (applied
    together, none overlapping) and how far it may be trusted."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.UNSAFE

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, tuple(edits), Applicability.SAFE)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, tuple(edits), Applicability.UNSAFE)
