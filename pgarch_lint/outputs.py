"""Each file's part of a run's output, for the results cache (pgarch_lint/cache.py).

A file's findings and notes may depend on the files replayed before it (through the catalog)
but never on later ones: a statement's check sees the checked files replayed so far
(:class:`CheckedSoFar`), and the whole-schema rules, which see every file, run after the last
one. So what checking a file produced (a :class:`~pgarch_lint.cache.FileOutput`) can be kept
and taken back whenever the file and everything before it are unchanged. :class:`Recorder`
cuts a run's output into those parts; :class:`Cached` stands for a file taken from the cache
without being read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet

from pgarch_lint.cache import FileOutput
from pgarch_lint.files import FileInput
from pgarch_lint.findings import Finding


class CheckedSoFar(AbstractSet[str]):
    """The checked files among the first ``n`` files of the run (``order``: each checked
    file's place in the run), without copying a set per file."""

    __slots__ = ("_n", "_order")

    def __init__(self, order: dict[str, int], n: int) -> None:
        self._order = order
        self._n = n

    def __contains__(self, path: object) -> bool:
        i = self._order.get(path) if isinstance(path, str) else None
        return i is not None and i < self._n

    def __iter__(self) -> Iterator[str]:
        return (p for p, i in self._order.items() if i < self._n)

    def __len__(self) -> int:
        return sum(1 for i in self._order.values() if i < self._n)


class Cached:
    """A file of the run that was not read: its input, place and cached output. The engine
    reads it when the end of the run needs its text or suppression comments."""

    __slots__ = ("_text", "file", "index", "output")

    def __init__(self, file: FileInput, index: int, output: FileOutput) -> None:
        self.file = file
        self.index = index
        self.output = output
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The file's text, as the engine would read it (decoded once)."""
        if self._text is None:
            from pgarch_lint.source import decode  # not imported by a run served whole

            self._text = decode(self.file.data)
        return self._text


class Recorder:
    """Cuts a run's output into each file's part. The engine tells it which suppression
    comments the files' own statements used (:meth:`used`, before the whole-schema rules, which
    may use more) and how many findings and notes came last from the end of the run
    (:meth:`ended`)."""

    __slots__ = ("_end", "_used")

    def __init__(self) -> None:
        self._used: dict[str, set[int]] = {}
        self._end = (0, 0)

    def used(self, path: str, indexes: Sequence[int]) -> None:
        if indexes:
            self._used.setdefault(path, set()).update(indexes)

    def ended(self, findings: int, notes: int) -> None:
        """The last ``findings`` findings and ``notes`` notes came from the end of the run."""
        self._end = (self._end[0] + findings, self._end[1] + notes)

    def outputs(
        self,
        files: Sequence[tuple[FileInput, FileOutput | tuple[int, int]]],
        findings: list[Finding],
        notes: list[str],
        note_paths: list[str],
        unparsable: AbstractSet[str],
    ) -> list[FileOutput]:
        """Each file's output. ``files``: each input with its cached output, or for a file
        checked in this run its statement count and number of suppression comments."""
        found, noted = self._end
        by_path: dict[str, list[Finding]] = {}
        for x in findings[: len(findings) - found]:
            by_path.setdefault(x.path, []).append(x)
        notes_of: dict[str, list[str]] = {}
        n = len(notes) - noted
        for path, note in zip(note_paths[:n], notes[:n], strict=True):
            notes_of.setdefault(path, []).append(note)
        out = []
        for f, known in files:
            if isinstance(known, FileOutput):
                out.append(known)
                continue
            statements, directives = known
            out.append(
                FileOutput(
                    by_path.get(f.path, []),
                    notes_of.get(f.path, []),
                    statements,
                    f.path in unparsable,
                    tuple(sorted(self._used.get(f.path, ()))),
                    directives,
                )
            )
        return out
