"""The results cache: what checking each file found, and the catalog, kept between runs.

PLACEHOLDER: the module docstring is written with the storage below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from pgarch_lint.findings import Finding

if TYPE_CHECKING:
    from pgarch_lint.catalog import Catalog


class FileOutput(NamedTuple):
    """What checking one file produced before the whole-schema rules ran: its findings and
    notes (in the order they were made), its statement count, whether a statement did not
    parse, which of its suppression comments suppressed something, and how many it has."""

    findings: list[Finding]
    notes: list[str]
    statements: int
    unparsable: bool
    used: tuple[int, ...]  # indexes of the file's suppression directives that were used
    directives: int  # how many suppression directives the file has


class Resume(NamedTuple):
    """Where a run starts from. ``outputs[i]`` is the cached output of file *i*, None for a
    file that must be checked (then so must every file after it). Files before ``start`` are
    not read at all: ``catalog`` is the schema as they left it (None when ``start`` is 0).
    Files from ``start`` on with an output are replayed (catalog, counts) without rules."""

    outputs: Sequence[FileOutput | None]
    start: int = 0
    catalog: Catalog | None = None
