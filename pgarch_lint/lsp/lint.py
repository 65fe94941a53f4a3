"""Lint one open document the way ``check`` lints it in its folder.

The editor's text is linted, never the file on disk. What surrounds it comes from the disk:

- the configuration: found by walking up from the document's folder (``pgarch-lint.toml`` or
  ``[tool.pgarch-lint]`` in ``pyproject.toml``), exactly as ``check`` finds it from its
  working directory; without one, paths are relative to the workspace folder that holds the
  document. A document the configuration's ``exclude`` leaves out gets no findings.
- the history: the ``.sql`` files that ``check FOLDER`` would read before the document, in the
  same natural order, with the same exclusions and down-migration handling, replayed as
  context (never reported) so that a table an earlier migration created is an existing table
  here. FOLDER is the document's folder; when that folder holds no other migration (one folder
  per migration: Prisma's ``migrations/<stamp>_<name>/migration.sql``, Diesel's ``up.sql``),
  it is the folder above, as long as that stays inside the workspace or configuration root.

Nothing here imports pygls: the server (server.py) calls these functions in a worker thread.
Known gap: the history is replayed on every lint (about a second for 400 migrations).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgarch_lint.lsp.text import TextIndex

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike
    from pgarch_lint.config import Settings
    from pgarch_lint.files import FileInput
    from pgarch_lint.findings import Finding, Report, TextEdit

__all__ = [
    "RULE_DOCS_URL",
    "DocumentLint",
    "Setup",
    "context_files",
    "fix_all_safe",
    "lint_text",
    "prepare",
    "rule_explanation",
    "rule_url",
]

#: where the rule pages (docs/rules/<rule>.md) are published; PGARCH_LINT_DOCS_URL overrides
#: it (as for the Markdown report)
RULE_DOCS_URL = "https://pgarch-lint.invalid/docs/rules"


@dataclass(frozen=True, slots=True)
class Setup:
    """What linting a document needs besides its text: the settings and rules of its
    workspace, the history replayed before it, and its names in the run."""

    settings: Settings
    rules: Sequence[RuleLike]
    known: list[str]  # every installed rule's name (suppression comments may name any)
    context: list[FileInput]
    path: str  # the document's name in the run
    rel_path: str  # relative to the configuration root (per-file-ignores)
    fs_path: str
    excluded: bool  # the configuration's ``exclude`` leaves the document out


@dataclass(frozen=True, slots=True)
class DocumentLint:
    """The findings of one version of a document, with what maps them onto its text.

    Findings count lines and columns in the text the engine saw, which lacks the byte-order
    mark an editor may keep as a first character (``bom`` is 1 then)."""

    text: str
    findings: tuple[Finding, ...]
    index: TextIndex
    bom: int
    excluded: bool = False

    def span(self, f: Finding) -> tuple[int, int]:
        """The finding's start and end as offsets of :attr:`text`."""
        return self._offset(f.line, f.column), self._offset(f.end_line, f.end_column)

    def _offset(self, line: int, column: int) -> int:
        return self.index.line_start(line - 1) + column - 1 + (self.bom if line == 1 else 0)

    def edit_span(self, e: TextEdit) -> tuple[int, int]:
        """A fix's edit as offsets of :attr:`text`."""
        return e.start.offset + self.bom, e.end.offset + self.bom


def _root_for(path: Path | None, roots: Sequence[Path]) -> Path | None:
    """The innermost workspace folder holding ``path`` (the first one when no path)."""
    if path is None:
        return roots[0] if roots else None
    best: Path | None = None
    for r in roots:
        if path.is_relative_to(r) and (best is None or len(r.parts) > len(best.parts)):
            best = r
    return best


def prepare(path: Path | None, roots: Sequence[Path], name: str) -> Setup:
    """The setup of the document at ``path`` (None: not a file, e.g. an unsaved buffer, which
    gets its workspace's configuration and no history); ``roots`` are the workspace folders,
    ``name`` the document's name when it has no path. ConfigError on a bad configuration."""
    from pgarch_lint.config import load_settings, select_rules
    from pgarch_lint.files import is_excluded, relative_to_root
    from pgarch_lint.registry import rule_refs

    root = _root_for(path, roots)
    folder = path.parent if path is not None else (root or Path.cwd())
    all_rules = rule_refs()
    settings = load_settings(cwd=folder, rules=all_rules)
    if settings.source is None and root is not None:
        settings.root = root
    rules = select_rules(all_rules, settings)
    known = [r.qualified_name for r in all_rules]
    if path is None:
        return Setup(settings, rules, known, [], name, name, "", False)
    excluded = is_excluded(path, settings.root, settings.exclude)
    context = [] if excluded else _read_context(context_files(path, settings), settings)
    rel = relative_to_root(path, settings.root)
    return Setup(settings, rules, known, context, str(path), rel, str(path), excluded)


def context_files(path: Path, settings: Settings) -> list[Path]:
    """The files ``check`` reads before ``path`` (see the module's docstring)."""
    from pgarch_lint.files import natural_key, real_path

    me = real_path(path)
    folder = path.parent
    found = _migrations(folder, settings, me)
    up = folder.parent
    if not found and up != folder and up.is_relative_to(settings.root):
        found = _migrations(up, settings, me)
    key = natural_key(str(path))
    return [p for p in found if natural_key(str(p)) < key]


def _migrations(folder: Path, settings: Settings, me: str) -> list[Path]:
    """The files ``check FOLDER`` reads, without the document itself."""
    from pgarch_lint.errors import ConfigError
    from pgarch_lint.files import collect, real_path

    try:
        found = collect(
            [str(folder)],
            root=settings.root,
            exclude=settings.exclude,
            lint_down=settings.lint_down,
        )
    except (ConfigError, OSError):  # the folder is gone or cannot be listed: no history
        return []
    return [p for p in found if real_path(p) != me]


def _read_context(paths: list[Path], settings: Settings) -> list[FileInput]:
    from pgarch_lint.files import FileInput, relative_to_root

    out = []
    for p in paths:
        try:
            data = p.read_bytes()
        except OSError:  # gone since it was listed, or unreadable: the history lacks it
            continue
        out.append(FileInput(str(p), data, True, relative_to_root(p, settings.root), str(p)))
    return out


def _document(setup: Setup, text: str) -> FileInput:
    from pgarch_lint.files import FileInput

    # "replace": a lone surrogate (JSON can carry one) becomes "?", one character for one
    data = text.encode("utf-8", "replace")
    return FileInput(setup.path, data, False, setup.rel_path, setup.fs_path)


def _run(setup: Setup, inputs: list[FileInput]) -> Report:
    from pgarch_lint.engine import Engine

    return Engine(setup.settings, setup.rules).run(inputs, setup.known, jobs=1)


def lint_text(setup: Setup, text: str) -> DocumentLint:
    """The findings of ``text``, the document's current content."""
    bom = 1 if text.startswith("\ufeff") else 0
    index = TextIndex(text)
    if setup.excluded:
        return DocumentLint(text, (), index, bom, excluded=True)
    report = _run(setup, [*setup.context, _document(setup, text)])
    findings = tuple(f for f in report.findings if f.path == setup.path)
    return DocumentLint(text, findings, index, bom)


def fix_all_safe(setup: Setup, text: str) -> str:
    """``text`` with every safe fix applied, in passes like ``check --fix`` (unchanged when
    there is none, or when the document does not parse)."""
    from pgarch_lint.fixes import fix_inputs

    if setup.excluded:
        return text
    done = fix_inputs(
        lambda current: _run(setup, current),
        [*setup.context, _document(setup, text)],
        unsafe=False,
    )
    if not done.changed:
        return text
    return done.inputs[-1].data.decode("utf-8")


def rule_explanation(name: str) -> str | None:
    """The rule's page (what ``pgarch-lint explain`` prints); None for an unknown name."""
    from pgarch_lint.docs import rule_page
    from pgarch_lint.registry import rule_refs

    for r in rule_refs():
        if r.qualified_name == name:
            return rule_page(r)
    return None


def rule_url(name: str) -> str | None:
    """The address of a built-in rule's page (None for a rule pack's rule)."""
    from pgarch_lint.reporters import rule_doc_link
    from pgarch_lint.reporters.markdown_reporter import DOCS_URL_ENV

    return rule_doc_link(name, os.environ.get(DOCS_URL_ENV) or RULE_DOCS_URL)
