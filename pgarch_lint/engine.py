"""The engine: files → statements → one walk per statement → findings.

For each statement the engine dispatches nodes to the rules that asked for their types, with
the catalog as it was *before* the statement; then it updates the transaction state and applies
the statement to the catalog. After each checked file it dispatches :class:`EndOfFile`; after
the last file, :class:`EndOfRun` (whole-schema rules) and the suppression report.
The engine never imports a rule: rules arrive as a list (see registry.py), either
:class:`Rule` objects or the registry's lazy stand-ins, whose module is imported the first time
their check must run.

The engine walks and dispatches; the rest is in modules of their own: the transaction state
machine in transaction.py, where nodes lie in spans.py, and turning a rule's violations into
findings (placement, suppressions, fingerprints, severity) in emit.py.

A run is a sequence of resumable steps, one per top-level statement (:meth:`Engine._steps`), so
that parallel.py can fork worker processes at any statement boundary; ``rules_on`` false makes
a step only update the state shared between statements (catalog, transaction state, counts).
What parallel.py needs from the engine is the small interface :class:`parallel.Checker`
(``rules_on``, :meth:`Engine.prepare_rules`, :meth:`Engine.output_mark`,
:meth:`Engine.start_worker`, :meth:`Engine.segment_output`, :meth:`Engine.insert_output`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from pgarch_lint import parallel, run_end, sql, transaction
from pgarch_lint.api import (
    AnyStatement,
    Context,
    DynamicExecute,
    EndOfFile,
    EndOfRun,
    FileInfo,
    RuleLike,
    Statement,
    SuppressionDirective,
    SyntaxErrorEvent,
    Violation,
)
from pgarch_lint.cache import FileOutput, Resume
from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.config import Settings, alias_targets, ignored_for_path
from pgarch_lint.dispatch import LAZY, Dispatch, Runner
from pgarch_lint.emit import UNUSED_SUPPRESSION_RULE, FindingMaker
from pgarch_lint.errors import InternalError
from pgarch_lint.files import FileInput
from pgarch_lint.findings import Finding, Report, Summary
from pgarch_lint.locks import locks_of
from pgarch_lint.outputs import Cached, CheckedSoFar, Recorder
from pgarch_lint.source import SourceFile, load_source
from pgarch_lint.spans import SpanFn, node_spans, token_end
from pgarch_lint.suppress import (
    Suppressions,
    attach,
    parse_directives,
    resolve_aliases,
    transaction_directive,
)
from pgarch_lint.transaction import TxState

if TYPE_CHECKING:
    from pgarch_lint.sql import ast

SYNTAX_RULE = "syntax-error"
#: see Engine.on_statement
StatementHook = Callable[[str, Statement, TxState, Callable[[int], tuple[int, int]]], None]


@dataclass(slots=True)
class _FileRun:
    """The engine's state for one file of the run."""

    src: SourceFile
    info: FileInfo
    suppressions: Suppressions
    ignored: frozenset[str]
    spans: list[tuple[int, int]] = field(default_factory=list)
    rel_path: str = ""
    # node type → the runners of the rules that asked for it, minus those ignored for the file
    dispatch: dict[type, tuple[Runner, ...]] = field(default_factory=dict)
    # Context._notes for the file's statements
    note_sink: Callable[[Context, str, ast.Node | None], None] | None = None
    # the checked files a statement of this file sees (those replayed so far)
    checked: AbstractSet[str] = frozenset()
    cached: FileOutput | None = None  # its output comes from the cache: no rule runs on it
    statements: int = 0  # top-level statements counted in the summary


class Engine:
    """One run: the rules, the catalog they read, and what they found (``findings``,
    ``notes``, ``summary``). :meth:`run` checks a sequence of files."""

    def __init__(
        self, settings: Settings, rules: Sequence[RuleLike], catalog: Catalog | None = None
    ):
        self.settings = settings
        self.rules = list(rules)
        self.catalog = catalog if catalog is not None else Catalog()
        self._table = Dispatch(self.rules, settings, static=catalog is None)
        self.dispatch = self._table.rules  # node type -> the rules that asked for it
        self._dispatch = self._table.table  # ... and their runners
        self._maker = FindingMaker(self.rules, settings)
        self._by_name = {r.qualified_name: r for r in self.rules}
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.note_paths: list[str] = []  # the file each note is about
        self.summary = Summary()
        self._files: dict[str, _FileRun | Cached] = {}
        self._checked: list[str] = []
        self._checked_paths: frozenset[str] = frozenset()
        self._checked_order: dict[str, int] = {}
        self.outputs: list[FileOutput] | None = None  # each file's, with run(record=True)
        self._checkpoint: Callable[[int, Catalog], None] | None = None
        self._recorder: Recorder | None = None  # cuts the output into each file's part
        self.on_file: Callable[[int, int, FileInput], None] | None = None
        # called for each statement of a checked file that runs now (not in a routine body),
        # before the transaction state and the catalog take it in: (path, statement, the
        # transaction state before it (a copy), offset -> (line, column)); the lock plan
        self.on_statement: StatementHook | None = None
        # False while the parallel driver replays a part a worker process checks: statements
        # update the catalog and the transaction state, but no rule runs
        self.rules_on = True
        self._known_names: frozenset[str] = frozenset()
        self._unparsable: set[str] = set()  # files with a statement that does not parse
        self._alias_map: dict[str, tuple[str, ...]] | None = None
        self._unit_re = re.compile(settings.migration_unit) if settings.migration_unit else None

    # --- public ------------------------------------------------------------------------------

    def run(
        self,
        files: Iterable[FileInput],
        known_rule_names: Iterable[str] = (),
        on_file: Callable[[int, int, FileInput], None] | None = None,
        jobs: int = 1,
        *,
        resume: Resume | None = None,
        record: bool = False,
        checkpoint: Callable[[int, Catalog], None] | None = None,
    ) -> Report:
        """Run every file in order, then the whole-schema rules.

        ``on_file(index, total, file)`` is called before each file (progress display). With
        ``jobs`` > 1 and enough SQL to be worth it, worker processes run the rules on parts of
        the input (see parallel.py); the report is identical to ``jobs=1``.

        The results cache (cache.py) uses the rest: ``resume`` starts from cached outputs and
        a catalog; ``record`` fills :attr:`outputs` (each file's :class:`FileOutput`);
        ``checkpoint(i, catalog)`` is called after file *i* has been replayed.
        """
        known = frozenset(known_rule_names)
        if not known:
            from pgarch_lint.registry import load_rules

            known = frozenset(r.qualified_name for r in load_rules())
        self._known_names = known
        inputs = list(files)
        self._checked = [f.path for f in inputs if not f.context]
        self._checked_paths = frozenset(self._checked)
        self._checked_order = {f.path: i for i, f in enumerate(inputs) if not f.context}
        self.on_file = on_file
        self._checkpoint = checkpoint
        if record:
            self._recorder = Recorder()
        first = self._resume(inputs, resume) if resume is not None else 0
        steps = self._steps(inputs, first)
        size = sum(len(f.data) for f in inputs[first:] if not f.context)
        if jobs > 1 and parallel.worthwhile(size, self._table.statement_rules()):
            # the whole-schema rules run while the last workers finish
            parallel.run(self, steps, jobs, parallel.segment_size(size, jobs), self._end_of_run)
        else:
            for _ in steps:
                pass
            self._end_of_run()
        n_findings, n_notes = len(self.findings), len(self.notes)
        self._suppression_report()
        if self._recorder is not None:
            self._recorder.ended(len(self.findings) - n_findings, len(self.notes) - n_notes)
            self.outputs = self._recorder.outputs(
                [(f, _known_output(self._files[f.path])) for f in inputs],
                self.findings,
                self.notes,
                self.note_paths,
                self._unparsable,
            )
        self.findings.sort(key=Finding.sort_key)
        return Report(
            self.findings,
            self.summary,
            list(self.rules),
            notes=self.notes,
            unparsable=frozenset(self._unparsable),
        )

    # --- what parallel.py needs (parallel.Checker) ---------------------------------------------

    def prepare_rules(self) -> None:
        """Import every dispatched rule's module and build its options now (before forking
        workers, so that they do not each do it again)."""
        self._table.prepare()

    def output_mark(self) -> tuple[int, int]:
        """Where the findings and notes of the statements to come go: the lengths of both."""
        return len(self.findings), len(self.notes)

    def start_worker(self) -> None:
        """In a forked worker: start with no findings, notes or counts (the driver has them)
        and no progress display or checkpoints (the driver's)."""
        self.on_file = None
        self._checkpoint = None
        self.findings, self.notes, self.note_paths = [], [], []
        counts = self.summary.by_severity
        for k in counts:
            counts[k] = 0

    def segment_output(self) -> parallel.SegmentOutput:
        """What a worker found since :meth:`start_worker`, and which suppression comments
        suppressed something (per file, their indexes)."""
        used = {
            path: [i for i, d in enumerate(fr.suppressions.directives) if d.used]
            for path, fr in self._files.items()
            if isinstance(fr, _FileRun)
        }
        return parallel.SegmentOutput(
            self.findings, self.notes, dict(self.summary.by_severity), used, self.note_paths
        )

    def insert_output(self, mark: tuple[int, int], out: parallel.SegmentOutput) -> None:
        """Put a worker's output where its segment lies (``mark``: :meth:`output_mark` when
        the worker was forked); insert later segments first, so that earlier marks hold."""
        findings_at, notes_at = mark
        self.findings[findings_at:findings_at] = out.findings
        self.notes[notes_at:notes_at] = out.notes
        self.note_paths[notes_at:notes_at] = out.note_paths
        for k, v in out.counts.items():
            self.summary.by_severity[k] += v
        for path, indexes in out.used_suppressions.items():
            if not indexes or path not in self._files:
                continue
            fr = self._file(path)
            for i in indexes:
                fr.suppressions.directives[i].used = True
            if self._recorder is not None:
                self._recorder.used(path, indexes)

    # --- the results cache (cache.py) ----------------------------------------------------------

    def _resume(self, inputs: list[FileInput], resume: Resume) -> int:
        """Take the cached files over: those before ``resume.start`` as they are (their
        outputs, and the catalog they left), the next ones with an output by replaying them
        without rules. Returns the index of the first file to check."""
        if resume.catalog is not None:
            self.catalog = resume.catalog
        outputs = resume.outputs
        for i in range(resume.start):
            f, out = inputs[i], outputs[i]
            assert out is not None
            self._files[f.path] = Cached(f, i, out)
            if not f.context:
                self.summary.files += 1
                self.summary.statements += out.statements
            if out.unparsable:
                self._unparsable.add(f.path)
            self._add_output(f.path, out)
        first = resume.start
        while first < len(inputs) and outputs[first] is not None:
            first += 1
        for _ in self._steps(inputs, resume.start, first, outputs):
            pass
        return first

    def _add_output(self, path: str, out: FileOutput) -> None:
        self.findings.extend(out.findings)
        for f in out.findings:
            self.summary.by_severity[f.severity] += 1
        self.notes.extend(out.notes)
        self.note_paths.extend([path] * len(out.notes))

    def _file(self, path: str) -> _FileRun:
        """A file of the run, read now if it came from the cache unread (:func:`_text_only`)."""
        fr = self._files[path]
        if isinstance(fr, Cached):
            fr = self._files[path] = _text_only(fr, self.settings, self._table) or self._open(
                fr.file, fr.index, fr.output
            )
        return fr

    def _end_of_run(self) -> None:
        """The whole-schema rules; when recording, which suppression comments the files'
        own statements used is noted first (the rules may use more)."""
        rec = self._recorder
        if rec is not None:
            for path, fr in self._files.items():
                if isinstance(fr, _FileRun):
                    rec.used(path, [i for i, d in enumerate(fr.suppressions.directives) if d.used])
        n_findings, n_notes = len(self.findings), len(self.notes)
        self._whole_schema()
        if rec is not None:
            rec.ended(len(self.findings) - n_findings, len(self.notes) - n_notes)

    # --- steps -------------------------------------------------------------------------------

    def _steps(
        self,
        inputs: list[FileInput],
        start: int = 0,
        stop: int | None = None,
        outputs: Sequence[FileOutput | None] = (),
    ) -> Iterator[int]:
        """The run from file ``start`` to ``stop`` (default: the last) as resumable steps:
        one per top-level statement (see :meth:`_file_steps`). A step runs the rules only
        while ``rules_on`` is true; files with a cached output in ``outputs`` never."""
        stop = len(inputs) if stop is None else stop
        for i in range(start, stop):
            f = inputs[i]
            if self.on_file is not None:
                self.on_file(i, len(inputs), f)
            yield from self._file_steps(f, i, outputs[i] if i < len(outputs) else None)
            if self._checkpoint is not None:
                self._checkpoint(i, self.catalog)

    # --- per file ----------------------------------------------------------------------------

    def run_file(self, f: FileInput) -> None:
        for _ in self._file_steps(f, len(self._files)):
            pass

    def _open(self, f: FileInput, index: int, cached: FileOutput | None = None) -> _FileRun:
        """Read file ``index`` of the run (see :func:`_read`)."""
        fr = _read(f, self.settings, self._aliases, self._table, cached)
        fr.note_sink = functools.partial(self._context_note, fr)
        fr.checked = CheckedSoFar(self._checked_order, index + 1)
        return fr

    def _file_steps(
        self, f: FileInput, index: int, cached: FileOutput | None = None
    ) -> Iterator[int]:
        """Check one file (file ``index`` of the run), pausing after each chunk; yields the
        size of the checked SQL just processed (0 for context files). Everything that changes
        state shared between statements (catalog, transaction state, counts) happens whether
        or not ``rules_on``. A ``cached`` file is replayed without rules, its output taken
        from the cache.
        """
        fr = self._open(f, index, cached)
        src = fr.src
        comments = [(c.start, c.end, c.text) for c in src.comments]
        self._files[f.path] = fr
        if not f.context:
            self.summary.files += 1
        if cached is not None:
            self._add_output(f.path, cached)
        statements_before = self.summary.statements
        self.catalog.begin_file(f.path, context=f.context, unit=_unit_key(self._unit_re, f))
        # migration-tool markers decide; else the file's own directive; else the setting
        wrapped = src.in_transaction
        if wrapped is None:
            wrapped = transaction_directive(comments)
        if wrapped is None:
            wrapped = bool(self.settings.assume_in_transaction)
        tx = transaction.for_file(wrapped, self.settings.lock_timeout_set_by_runner)
        if src.decode_error is not None:
            off, msg = src.decode_error
            self._unparsable.add(f.path)
            self._event(fr, tx, SyntaxErrorEvent(msg, off, off + 1))
        chunks = src.chunks
        for chunk, parsed in zip(chunks, sql.parse_chunks(src.masked, fr.spans), strict=True):
            if isinstance(parsed, sql.ChunkParseError):
                self._failed_chunk(fr, tx, chunk.start, chunk.end, chunk.query_name, parsed)
                yield 0 if f.context else chunk.end - chunk.start
                continue
            for ps in parsed:
                self._statement(fr, tx, ps.node, chunk.start, ps.start, ps.end, chunk.query_name)
            yield 0 if f.context else chunk.end - chunk.start
        fr.statements = self.summary.statements - statements_before
        if not f.context:
            self._event(fr, tx, EndOfFile(f.path))

    def _failed_chunk(
        self,
        fr: _FileRun,
        tx: TxState,
        start: int,
        end: int,
        query_name: str | None,
        exc: sql.ChunkParseError,
    ) -> None:
        """A chunk failed to parse. If an unbalanced parenthesis glued several statements
        together, split it at every ``;`` and parse the pieces one by one; otherwise report
        one syntax error at the parser's position."""
        pieces = sql.split_flat(fr.src.masked[start:end])
        if len(pieces) > 1:
            for ps_, pe_ in pieces:
                s, e = start + ps_, start + pe_
                try:
                    parsed = sql.parse_chunk(fr.src.masked, s, e)
                except sql.ChunkParseError as exc2:
                    self._syntax_error(fr, tx, s, e, exc2)
                    continue
                for ps in parsed:
                    self._statement(fr, tx, ps.node, s, ps.start, ps.end, query_name)
            return
        self._syntax_error(fr, tx, start, end, exc)

    def _syntax_error(
        self, fr: _FileRun, tx: TxState, start: int, end: int, exc: sql.ChunkParseError
    ) -> None:
        """Report a statement that does not parse, once, at the parser's position; then let
        the catalog record the table (index, view) it would create, when its first tokens
        say so, so that the statements after it see a new table and not an unknown one."""
        if not fr.info.context:
            self.summary.statements += 1
        self._unparsable.add(fr.info.path)
        off = exc.offset if exc.offset is not None else end
        off = min(max(off, start), max(end - 1, start))
        msg = exc.message if exc.offset is not None else f"{exc.message} (at end of statement)"
        self._event(fr, tx, SyntaxErrorEvent(msg, off, token_end(fr.src.text, off)))
        created = sql.created_name(fr.src.masked[start:end])
        if created is not None:
            self.catalog.apply_unparsed(created, Loc(fr.info.path, start, end))

    # --- per statement -----------------------------------------------------------------------

    def _statement(
        self,
        fr: _FileRun,
        tx: TxState,
        node: ast.Node,
        base: int,
        start: int,
        end: int,
        query_name: str | None,
        nested: bool = False,
        exact: bool = True,
        deferred: bool = False,
    ) -> None:
        if not fr.info.context and not nested:
            self.summary.statements += 1
        text = fr.src.text[start:end]
        stmt = Statement(
            node,
            start,
            end,
            text,
            nested,
            deferred,
            query_name,
            tuple(locks_of(node, self.catalog, self.settings.pg_version)),
        )
        if self._checks(fr):
            spans = node_spans(fr.src.text, base, stmt, exact)
            ctx = self._context(fr, tx, stmt, spans)
            dispatch = fr.dispatch
            run_rule = self._run_rule
            for x in dispatch.get(AnyStatement, ()):
                run_rule(fr, x, node, ctx, ())
            for n, link in sql.walk_linked(node):
                runners = dispatch.get(type(n))
                if runners:
                    parents = sql.ancestors(link)
                    for x in runners:
                        run_rule(fr, x, n, ctx, parents)
        # nested statements (DO blocks, plpgsql bodies) are linted after their container
        # the masked text: template placeholders inside DO bodies must not break their parse
        runs_now = type(node).__name__ == "DoStmt"
        # function bodies matter only to the rules (they run when called, not now): a replay
        # and a context file need the statements of DO blocks alone
        extract = not nested and (runs_now or self._checks(fr))
        nested_list = sql.nested_sql(node, fr.src.masked[start:end], start) if extract else []
        if not deferred:  # a SET or LOCK inside a function body does not run in the migration
            if self.on_statement is not None and not fr.info.context:
                self.on_statement(fr.info.path, stmt, replace(tx), fr.src.position)
            transaction.advance(tx, node, start, stmt.locks)
        if runs_now:
            self._apply(node, fr.info.path, start, end, base if exact else None)
        exact_spans = [
            (ns.start, ns.end) for ns in nested_list if ns.kind != "dynamic" and ns.exact
        ]
        parsed_exact = (
            iter(sql.parse_chunks(fr.src.masked, exact_spans)) if exact_spans else iter(())
        )
        for ns in nested_list:
            if ns.kind == "dynamic":
                if self._checks(fr):
                    self._event(fr, tx, _dynamic_execute(ns))
                continue
            if ns.exact:
                inner = next(parsed_exact)
                if isinstance(inner, sql.ChunkParseError):
                    continue
                for ps in inner:
                    self._statement(
                        fr,
                        tx,
                        ps.node,
                        ns.start,
                        ps.start,
                        ps.end,
                        query_name,
                        True,
                        True,
                        ns.deferred,
                    )
                    if runs_now:
                        self._apply(ps.node, fr.info.path, ps.start, ps.end, ns.start)
            else:
                for n in sql.parse_text(ns.text):
                    self._statement(
                        fr, tx, n, ns.start, ns.start, ns.end, query_name, True, False, ns.deferred
                    )
                    if runs_now:
                        self._apply(n, fr.info.path, ns.start, ns.end, None)
        if not runs_now and not nested:
            self._apply(node, fr.info.path, start, end, base if exact else None)

    def _apply(self, node: ast.Node, path: str, start: int, end: int, base: int | None) -> None:
        try:
            self.catalog.apply(node, Loc(path, start, end), base)
        except Exception as exc:  # the catalog must never take the run down
            raise InternalError(f"catalog failed on {path} at offset {start}: {exc!r}") from exc

    # --- rules and findings --------------------------------------------------------------------

    def _checks(self, fr: _FileRun) -> bool:
        """Whether rules run on the file's statements now: not for a --context file, nor while
        the parallel driver replays a segment a worker checks."""
        return self.rules_on and not fr.info.context and fr.cached is None

    def _context(self, fr: _FileRun, tx: TxState, stmt: Statement, spans: SpanFn) -> Context:
        ctx = Context(
            self.catalog,
            fr.info,
            tx,
            self.settings.pg_version,
            None,
            stmt,
            (),
            spans,
            fr.checked,
            fr.src.position,
            self.settings,
        )
        # ctx.rule_name is set before each rule runs; notes are attributed to it
        ctx._notes = fr.note_sink
        ctx._source = self.source_text
        ctx._masked = self._masked_text
        ctx._paths = self._run_paths
        return ctx

    def _run_paths(self) -> tuple[str, ...]:
        return tuple(self._files)

    def source_text(self, path: str) -> str | None:
        """The decoded text of a file of the run (catalog locations are offsets into it);
        None for a path the run did not read."""
        fr = self._files.get(path)
        if fr is None:
            return None
        return fr.text if isinstance(fr, Cached) else fr.src.text

    def _masked_text(self, path: str) -> str | None:
        # asked for the file whose statements are being checked, which is never a cached one
        fr = self._files.get(path)
        return fr.src.masked if fr is not None and not isinstance(fr, Cached) else None

    def _run_rule(
        self, fr: _FileRun, x: Runner, node: object, ctx: Context, parents: tuple[ast.Node, ...]
    ) -> None:
        check, opts = x.check, x.options
        if check is None or opts is LAZY:
            check, opts = x.resolve(self.settings)
        ctx.options = opts
        ctx.parents = parents
        ctx.rule_name = x.name
        try:
            for v in check(node, ctx):
                self._emit(fr, x.rule, v, ctx)
        except InternalError:
            raise
        except RecursionError:
            # a pathologically deep statement (thousands of nested terms): this rule cannot
            # analyse it; say so under --verbose instead of failing the whole run
            self._note(
                fr, x.name, ctx, "statement too deeply nested for this rule: not checked", None
            )
        except Exception as exc:
            line = ""
            if ctx.statement is not None:
                line = f":{fr.src.position(ctx.statement.start)[0]}"
            raise InternalError(
                f"internal error in rule {x.name} while checking {fr.info.path}{line}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    def _context_note(
        self, fr: _FileRun, ctx: Context, message: str, node: ast.Node | None
    ) -> None:
        self._note(fr, ctx.rule_name, ctx, message, node)

    def _note(
        self, fr: _FileRun, rule_name: str, ctx: Context, message: str, node: ast.Node | None
    ) -> None:
        if node is not None:
            start = ctx.span(node)[0]
        else:
            start = ctx.statement.start if ctx.statement is not None else 0
        line, col = fr.src.position(start)
        self.notes.append(f"{fr.info.path}:{line}:{col}: note[{rule_name}] {message}")
        self.note_paths.append(fr.info.path)

    def _event(
        self,
        fr: _FileRun,
        tx: TxState,
        ev: SyntaxErrorEvent | EndOfFile | DynamicExecute | SuppressionDirective,
        always: bool = False,
    ) -> None:
        """Dispatch an event of the file ``fr`` (``always``: at the end of the run, also for
        a file whose output came from the cache)."""
        runners = fr.dispatch.get(type(ev), ())
        if not runners or not (always or self._checks(fr)):
            return
        start = getattr(ev, "start", getattr(ev, "offset", 0)) or 0
        end = getattr(ev, "end", start) or start
        stmt = Statement(None, start, end, fr.src.text[start:end])
        spans = node_spans(fr.src.text, start, stmt, True)
        ctx = self._context(fr, tx, stmt, spans)
        for x in runners:
            self._run_rule(fr, x, ev, ctx, ())

    def _whole_schema(self) -> None:
        """The EndOfRun rules, on the final catalog."""
        for x, v, ctx in run_end.whole_schema(
            self._dispatch.get(EndOfRun, ()),
            EndOfRun(tuple(self._checked)),
            self.settings,
            self._end_context,
        ):
            if v.at is None or v.at.path not in self._files:
                continue
            fr = self._file(v.at.path)
            if not (fr.info.context or x.name in fr.ignored or x.category in fr.ignored):
                self._emit(fr, x.rule, v, ctx)

    def _end_context(self, options: Any) -> Context:
        ctx = Context(
            self.catalog,
            FileInfo("", None, False),
            TxState(),
            self.settings.pg_version,
            options,
            checked_paths=self._checked_paths,
            settings=self.settings,
        )
        ctx._source = self.source_text
        ctx._paths = self._run_paths
        return ctx

    def _suppression_report(self) -> None:
        """Every suppression comment of the checked files, with whether it suppressed
        anything, to the rules that judge them (after every finding of the run)."""
        if not self.dispatch.get(SuppressionDirective):
            return
        for path in list(self._files):
            pending = self._files[path]
            if isinstance(pending, Cached) and not pending.output.directives:
                continue
            fr = self._file(path)
            if fr.info.context:
                continue
            for d in fr.suppressions.directives:
                ev = run_end.directive_event(
                    path, d, self._known_names, self._by_name, self._aliases()
                )
                self._event(fr, TxState(), ev, always=True)

    def _aliases(self) -> dict[str, tuple[str, ...]]:
        """Every installed rule's aliases (suppression comments may use them), read once."""
        if self._alias_map is None:
            from pgarch_lint.registry import rule_refs

            self._alias_map = alias_targets(rule_refs())
        return self._alias_map

    def _emit(self, fr: _FileRun, r: RuleLike, v: Violation, ctx: Context) -> None:
        finding = self._maker.make(r, v, ctx, fr.src, fr.suppressions, fr.rel_path or fr.info.path)
        if finding is not None:
            self.findings.append(finding)
            self.summary.by_severity[finding.severity] += 1


def _read(
    f: FileInput,
    settings: Settings,
    aliases: Callable[[], dict[str, tuple[str, ...]]],
    table: Dispatch,
    cached: FileOutput | None,
) -> _FileRun:
    """Read a file: its source, suppression comments (those ``cached`` says were used marked
    so), the rules ignored for it and its dispatch table."""
    src = load_source(f.data, f.path, lint_down=settings.lint_down)
    info = FileInfo(f.path, src.tool, f.context, _has_ddl(src))
    comments = [(c.start, c.end, c.text) for c in src.comments]
    spans = [(c.start, c.end) for c in src.chunks]
    ignored = ignored_for_path(f.rel_path or f.path, settings)
    directives = parse_directives(comments)
    if any(d.names for d in directives):
        resolve_aliases(directives, aliases())
    fr = _FileRun(
        src,
        info,
        attach(directives, spans, src.text),
        ignored,
        spans,
        f.rel_path,
        table.for_ignored(ignored),
    )
    if cached is not None:
        fr.cached = cached
        for i in cached.used:
            fr.suppressions.directives[i].used = True
    return fr


def _text_only(c: Cached, settings: Settings, table: Dispatch) -> _FileRun | None:
    """A file the cache kept, as the end of the run uses it (a whole-schema finding placed in
    it) when it has no suppression comment: its text for positions, source lines and fixes,
    its per-file ignores, no statement (splitting every such file again cost a tenth of a run
    with one file changed). None for a file with suppression comments: it must be read."""
    if c.output.directives:
        return None
    f = c.file
    ignored = ignored_for_path(f.rel_path or f.path, settings)
    return _FileRun(
        SourceFile(f.path, c.text, "", [], []),
        FileInfo(f.path, None, f.context),
        Suppressions(),
        ignored,
        rel_path=f.rel_path,
        dispatch=table.for_ignored(ignored),
        cached=c.output,
    )


def _dynamic_execute(ns: sql.NestedSQL) -> DynamicExecute:
    """The event of a PL/pgSQL ``EXECUTE`` of a string built at run time."""
    return DynamicExecute(
        ns.text,
        sql.parse_expression(ns.text),
        ns.variables,
        ns.using,
        ns.start,
        ns.end,
        dict(ns.variable_types),
    )


def _known_output(fr: _FileRun | Cached) -> FileOutput | tuple[int, int]:
    """A file's cached output, or its statement and suppression comment counts."""
    if isinstance(fr, Cached):
        return fr.output
    if fr.cached is not None:
        return fr.cached
    return fr.statements, len(fr.suppressions.directives)


def _unit_key(unit_re: re.Pattern[str] | None, f: FileInput) -> str | None:
    """The migration unit of a file (``migration-unit``): the first group of the regex found
    in the file's name, with its folder; None (a unit of its own) when the name does not
    match. Consecutive files with one key form one unit (see Catalog.begin_file)."""
    if unit_re is None:
        return None
    path = PurePosixPath((f.rel_path or f.path).replace("\\", "/"))
    m = unit_re.search(path.name)
    if m is None or m.group(1) is None:
        return None
    return f"{path.parent}\0{m.group(1)}"


_DDL_START = re.compile(
    r"\s*(create|alter|drop|comment|grant|revoke|do|reindex|cluster|refresh|security|vacuum)\b",
    re.IGNORECASE,
)


def _has_ddl(src: SourceFile) -> bool:
    """Whether any statement of the file starts with a schema-changing keyword."""
    masked = src.masked
    return any(_DDL_START.match(masked, c.start) for c in src.chunks)


def iter_findings(report: Report) -> Iterator[Finding]:
    yield from report.findings


__all__ = [
    "UNUSED_SUPPRESSION_RULE",
    "Engine",
    "FileInput",
    "InternalError",
    "iter_findings",
    "replace",
]
