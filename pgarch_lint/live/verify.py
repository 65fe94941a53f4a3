"""``pgarch-lint verify``: apply migrations on a real server, observe, and always roll back.

Safety first: the database the DSN names (as the server reports it after connecting) must
have a whole part (split on ``_``, ``-``, ``.``) that is test, tests, testing, scratch, ci or dev,
or match ``--allow-db`` (a case-insensitive regular expression searched in the name) when
given, or nothing runs.

Two modes:

- **transaction** (the usual case): every statement of every file, in order, inside one
  transaction on the target database, each in a savepoint so a failing statement does not hide
  the ones after it; ``ROLLBACK`` at the end, whatever happens. ``lock_timeout`` is 5 s unless a
  file sets its own, so verify never queues behind real traffic for long.
- **scratch**: when a file holds a statement that cannot run in a transaction block
  (``CREATE INDEX CONCURRENTLY``, ``DROP INDEX CONCURRENTLY``, ``REINDEX ... CONCURRENTLY``,
  ``DETACH PARTITION ... CONCURRENTLY``, ``VACUUM``, ``ALTER TYPE ... ADD VALUE`` before
  PostgreSQL 12...), the files run in a scratch copy made with
  ``CREATE DATABASE pgarch_scratch_<random> TEMPLATE <target>`` (this needs the CREATEDB
  privilege and no other session connected to the target), which is dropped afterwards. Each
  statement runs in its own transaction there, the non-transactional ones in autocommit while a
  second connection samples ``pg_locks``. Role statements are not applied in scratch mode (they
  would outlive the scratch database), nor are ``CREATE/DROP DATABASE``, ``ALTER SYSTEM`` and
  tablespace statements. When no scratch copy can be made, the transactional files are still
  verified in transaction mode and each statement that needs autocommit gets a
  ``verify-skipped`` finding saying why.

Transaction control statements in the files (``BEGIN``, ``COMMIT``...) are never executed.

Findings (not rules of the registry; they exist only in verify's report):

- ``verify-failed`` (error): PostgreSQL's message and SQLSTATE, at the statement (at the
  server's error position when it gives one);
- ``verify-locks`` (info): the strongest lock the statement newly took on each existing table
  (on indexes and sequences only when it locked no table), strongest first; locks already held
  by an earlier statement of the same transaction are not repeated. Read from ``pg_locks`` for
  the backend right after the statement (sampled while it runs, for autocommit statements);
- ``verify-rewrite`` (info): the statement rewrote a table (its ``relfilenode`` changed);
- ``verify-skipped`` (warning): a statement that could not be verified, and why.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast  # Any: psycopg module, connections, cursors

from pgarch_lint import sql
from pgarch_lint.files import FileInput
from pgarch_lint.findings import Finding, Report, Summary
from pgarch_lint.live.conn import LiveError, connect, guard, psycopg, redact
from pgarch_lint.source import SourceFile, load_source

if TYPE_CHECKING:
    from pgarch_lint.config import Settings
    from pgarch_lint.sql import ast

__all__ = ["verify"]

_SAFE_PARTS = frozenset({"test", "tests", "testing", "scratch", "ci", "dev"})


def _allowed(db: str, allow_db: str | None) -> bool:
    """Whether ``verify`` may run against database ``db``: by default when a whole part of
    its name (split on ``_``, ``-`` and ``.``) is test, tests, testing, scratch, ci or dev
    (``app_test``, ``ci_db``, ``scratch_1``; not ``pricing``, ``latest`` or ``devices``);
    with ``--allow-db``, when that case-insensitive regular expression is found in it."""
    if allow_db is not None:
        return re.search(allow_db, db, re.IGNORECASE) is not None
    return any(part in _SAFE_PARTS for part in re.split(r"[_.\-]+", db.lower()))


_STRONG = {
    "AccessExclusiveLock": "blocks reads and writes",
    "ExclusiveLock": "blocks writes",
    "ShareRowExclusiveLock": "blocks writes",
    "ShareLock": "blocks writes",
}
_RANK = {
    m: i
    for i, m in enumerate(
        (
            "AccessShareLock",
            "RowShareLock",
            "RowExclusiveLock",
            "ShareUpdateExclusiveLock",
            "ShareLock",
            "ShareRowExclusiveLock",
            "ExclusiveLock",
            "AccessExclusiveLock",
        ),
        1,
    )
}
_CLUSTER_WIDE = frozenset(
    {
        "CreateRoleStmt",
        "AlterRoleStmt",
        "AlterRoleSetStmt",
        "DropRoleStmt",
        "GrantRoleStmt",
        "CreatedbStmt",
        "DropdbStmt",
        "AlterDatabaseStmt",
        "AlterDatabaseSetStmt",
        "AlterSystemStmt",
        "CreateTableSpaceStmt",
        "DropTableSpaceStmt",
        "AlterTableSpaceOptionsStmt",
        "ReassignOwnedStmt",
    }
)
_NEVER_IN_SCRATCH = _CLUSTER_WIDE
# locks by relation OID, named from the snapshot taken before the statement: a relation the
# statement drops or renames is reported under the name the user wrote (joining pg_class after
# the statement would find nothing, or the new name)
_LOCKS_SQL = (
    "SELECT l.relation::bigint, l.mode FROM pg_locks l "
    "WHERE l.pid = %s AND l.locktype = 'relation' AND l.granted"
)
_RELS_SQL = (
    "SELECT c.oid, c.relfilenode, n.nspname || '.' || c.relname, c.relkind, "
    "c.relpages::bigint * current_setting('block_size')::bigint FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'p', 'i', 'S') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'"
)


@dataclass(slots=True)
class _Stmt:
    start: int
    end: int
    text: str
    kind: str
    outside_tx: bool  # cannot run inside a transaction block


@dataclass(slots=True)
class _File:
    path: str
    src: SourceFile
    stmts: list[_Stmt] = field(default_factory=list)


def _needs_autocommit(node: ast.Node, pg_version: int) -> bool:
    kind = type(node).__name__
    if kind == "IndexStmt":
        return bool(cast("ast.IndexStmt", node).concurrent)
    if kind == "DropStmt":
        return bool(cast("ast.DropStmt", node).concurrent)
    if kind == "ReindexStmt":
        params = cast("ast.ReindexStmt", node).params
        return any(getattr(p, "defname", "") == "concurrently" for p in params or ())
    if kind == "VacuumStmt":
        return bool(cast("ast.VacuumStmt", node).is_vacuumcmd)
    if kind == "AlterTableStmt":
        return any(
            type(c.def_).__name__ == "PartitionCmd" and bool(c.def_.concurrent)
            for c in cast("ast.AlterTableStmt", node).cmds or ()
            if getattr(c, "def_", None) is not None
        )
    if kind == "AlterEnumStmt":
        return pg_version < 120000
    return kind in (
        "CreatedbStmt",
        "DropdbStmt",
        "AlterSystemStmt",
        "CreateTableSpaceStmt",
        "DropTableSpaceStmt",
    )


def _load(files: Iterable[FileInput], settings: Settings, pg_version: int) -> list[_File]:
    out: list[_File] = []
    for f in files:
        if f.context:
            continue
        src = load_source(f.data, f.path, lint_down=bool(getattr(settings, "lint_down", False)))
        vf = _File(f.path, src)
        for chunk in src.chunks:
            try:
                parsed = sql.parse_chunk(src.masked, chunk.start, chunk.end)
            except sql.ChunkParseError:
                # the server will say what is wrong with it
                vf.stmts.append(
                    _Stmt(chunk.start, chunk.end, src.masked[chunk.start : chunk.end], "", False)
                )
                continue
            for ps in parsed:
                vf.stmts.append(
                    _Stmt(
                        ps.start,
                        ps.end,
                        src.masked[ps.start : ps.end],
                        type(ps.node).__name__,
                        _needs_autocommit(ps.node, pg_version),
                    )
                )
        out.append(vf)
    return out


class _Run:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.findings: list[Finding] = []
        self.statements = 0

    def add(
        self,
        f: _File,
        rule: str,
        severity: str,
        start: int,
        message: str,
        help: str,
        end: int | None = None,
    ) -> None:
        src = f.src
        line, col = src.position(start)
        eline, ecol = src.position(end if end is not None else start)
        if end is None:
            first = src.line_text(line)
            ecol = len(first) + 1
            eline = line
        stmt_text = " ".join(src.text[start : end or start + 200].split())
        fp = hashlib.sha1(f"{rule}\0{f.path}\0{stmt_text}\0{message}".encode()).hexdigest()[:16]
        category = "correctness" if rule == "verify-failed" else "migration-safety"
        self.findings.append(
            Finding(
                rule=rule,
                category=category,
                severity=severity,
                path=f.path,
                line=line,
                column=col,
                end_line=eline,
                end_column=ecol,
                message=redact(message, self.dsn),
                help=help,
                source_line=src.line_text(line),
                fingerprint=fp,
            )
        )


def verify(
    dsn: str, files: list[FileInput], settings: Settings, *, allow_db: str | None = None
) -> Report:
    """Apply ``files`` on the database of ``dsn`` and roll everything back; see module doc."""
    pg = psycopg()
    if allow_db is not None:
        try:
            re.compile(allow_db)
        except re.error as exc:
            raise LiveError(f"--allow-db: invalid regular expression: {exc}") from None
    conn = connect(dsn)
    run = _Run(dsn)
    try:
        with guard(dsn, "verify"):
            db = str(conn.info.dbname)
            if not _allowed(db, allow_db):
                rule = (
                    f"does not match --allow-db {allow_db!r}"
                    if allow_db is not None
                    else "has no part test, scratch, ci or dev (split on _ - .)"
                )
                raise LiveError(
                    f'refusing to verify against database "{db}": its name {rule} (verify '
                    "applies the migrations for real before rolling back; point it at a test "
                    "or scratch database, or pass --allow-db)"
                )
            version = int(conn.info.server_version)
            vfiles = _load(files, settings, version)
            run.statements = sum(len(f.stmts) for f in vfiles)
            if any(s.outside_tx for f in vfiles for s in f.stmts):
                conn.close()
                scratch_error = _run_scratch(run, dsn, db, vfiles, pg)
                if scratch_error is None:
                    return _report(run, vfiles)
                conn = connect(dsn)
                _run_transaction(run, conn, vfiles, pg, skip_reason=scratch_error)
            else:
                _run_transaction(run, conn, vfiles, pg, skip_reason=None)
    finally:
        with contextlib.suppress(Exception):
            conn.rollback()
        conn.close()
    return _report(run, vfiles)


def _report(run: _Run, vfiles: list[_File]) -> Report:
    summary = Summary(files=len(vfiles), statements=run.statements)
    for f in run.findings:
        summary.by_severity[f.severity] += 1
    findings = sorted(run.findings, key=Finding.sort_key)
    return Report(findings, summary, [], [f.path for f in vfiles])


# --- observing ------------------------------------------------------------------------------


def _rels(cur: Any) -> dict[int, tuple[int, str, str, int]]:
    cur.execute(_RELS_SQL)
    return {oid: (fn, name, kind, size) for oid, fn, name, kind, size in cur.fetchall()}


def _locks(cur: Any, pid: int) -> set[tuple[int, str]]:
    cur.execute(_LOCKS_SQL, (pid,))
    return {(int(oid), mode) for oid, mode in cur.fetchall()}


def _report_effects(
    run: _Run,
    f: _File,
    s: _Stmt,
    new_locks: Iterable[tuple[int, str]],
    before: dict[int, tuple[int, str, str, int]],
    after: dict[int, tuple[int, str, str, int]],
    observed: str,
) -> None:
    strongest: dict[str, tuple[str, str]] = {}
    for oid, mode in new_locks:
        known = before.get(oid)
        if known is None:
            continue  # created by the statement (nobody can wait for it) or a system catalog
        name, kind = known[1], known[2]
        have = strongest.get(name)
        if have is None or _RANK.get(mode, 0) > _RANK.get(have[1], 0):
            strongest[name] = (kind, mode)
    tables = {n: m for n, (k, m) in strongest.items() if k in ("r", "p", "m")}
    chosen = tables or {n: m for n, (_k, m) in strongest.items()}
    shown = sorted(chosen.items(), key=lambda nm: (-_RANK.get(nm[1], 0), nm[0]))
    if shown:
        parts = []
        for name, mode in shown:
            note = f" ({_STRONG[mode]})" if mode in _STRONG else ""
            parts.append(f'{mode} on "{name}"{note}')
        run.add(
            f,
            "verify-locks",
            "info",
            s.start,
            f"{observed}: " + ", ".join(parts),
            "Compare with the static lock findings; keep statements that block writes on "
            "large tables short, behind a lock_timeout, or use the non-blocking form.",
        )
    for oid, (fn, name, kind, size) in before.items():
        now = after.get(oid)
        if kind in ("r", "m") and now is not None and now[0] != fn:
            if s.kind == "TruncateStmt":
                run.add(
                    f,
                    "verify-rewrite",
                    "info",
                    s.start,
                    f'emptied "{name}": TRUNCATE gave it a new, empty relation file (the old '
                    "one, with every row"
                    + (f", about {_size(size)}," if size > 0 else "")
                    + " is removed at commit), under an ACCESS EXCLUSIVE lock",
                    "Deleting every row of a live table is rarely what a migration should do; "
                    "see ban-truncate.",
                )
                continue
            run.add(
                f,
                "verify-rewrite",
                "info",
                s.start,
                f'rewrote "{name}" (its relfilenode changed: every row was copied'
                + (f", about {_size(size)}" if size > 0 else "")
                + ", under an ACCESS EXCLUSIVE lock)",
                "On a large table, use a form that does not rewrite (see the static "
                "rule's help), or schedule the rewrite.",
            )


def _size(n: int) -> str:
    from pgarch_lint.live.facts import format_size

    return format_size(n)


def _failed(run: _Run, f: _File, s: _Stmt, exc: Exception) -> None:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or " ".join(str(exc).split())
    sqlstate = getattr(exc, "sqlstate", None) or "?????"
    pos = getattr(diag, "statement_position", None)
    start = s.start
    if pos:
        with contextlib.suppress(ValueError):
            start = min(s.start + int(pos) - 1, s.end)
    detail = getattr(diag, "message_detail", None)
    msg = f"PostgreSQL refused the statement: {primary} (SQLSTATE {sqlstate})"
    if detail:
        msg += f"; {detail}"
    run.add(
        f,
        "verify-failed",
        "error",
        start,
        msg,
        getattr(diag, "message_hint", None) or "Fix the statement: it fails on the server.",
    )


# --- transaction mode -----------------------------------------------------------------------


def _run_transaction(
    run: _Run, conn: Any, vfiles: list[_File], pg: Any, skip_reason: str | None
) -> None:
    with conn.cursor() as cur:
        cur.execute("SET lock_timeout = '5s'")
        cur.execute("SELECT pg_backend_pid()")
        row = cur.fetchone()
        pid = int(row[0]) if row else 0
        try:
            for f in vfiles:
                for s in f.stmts:
                    if s.kind == "TransactionStmt":
                        continue
                    if s.outside_tx:
                        run.add(
                            f,
                            "verify-skipped",
                            "warning",
                            s.start,
                            "not verified: this statement cannot run inside a transaction "
                            f"block and no scratch database could be made ({skip_reason})",
                            "Grant CREATEDB to the verifying role and make sure no other "
                            "session is connected to the target database, or verify on a "
                            "database of its own.",
                        )
                        continue
                    before = _rels(cur)
                    locks0 = _locks(cur, pid)
                    cur.execute("SAVEPOINT pgarch_lint_verify")
                    try:
                        cur.execute(s.text)
                    except pg.Error as exc:
                        cur.execute("ROLLBACK TO SAVEPOINT pgarch_lint_verify")
                        _failed(run, f, s, exc)
                        continue
                    locks1 = _locks(cur, pid)
                    after = _rels(cur)
                    cur.execute("RELEASE SAVEPOINT pgarch_lint_verify")
                    _report_effects(run, f, s, locks1 - locks0, before, after, "took")
        finally:
            conn.rollback()


# --- scratch mode ---------------------------------------------------------------------------


def _run_scratch(run: _Run, dsn: str, db: str, vfiles: list[_File], pg: Any) -> str | None:
    """Run in a scratch copy of ``db``; None when done, else why no copy could be made."""
    name = f"pgarch_scratch_{secrets.token_hex(4)}"
    try:
        admin = connect(dsn, dbname="postgres", autocommit=True)
    except LiveError as exc:
        return f"cannot connect to the maintenance database: {exc}"
    try:
        try:
            with admin.cursor() as cur:
                cur.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE "{db.replace(chr(34), 2 * chr(34))}"'
                )
        except pg.Error as exc:
            return "CREATE DATABASE ... TEMPLATE failed: " + redact(
                getattr(exc.diag, "message_primary", None) or str(exc), dsn
            )
        try:
            conn = connect(dsn, dbname=name, autocommit=True)
            try:
                with guard(dsn, "verify (scratch database)"):
                    _scratch_statements(run, dsn, conn, name, vfiles, pg)
            finally:
                conn.close()
        finally:
            with admin.cursor() as cur:
                force = " WITH (FORCE)" if int(admin.info.server_version) >= 130000 else ""
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"{force}')
    finally:
        admin.close()
    return None


class _Sampler:
    """Samples pg_locks of one backend from a second connection while a statement runs."""

    def __init__(self, dsn: str, dbname: str, pid: int) -> None:
        self.conn = connect(dsn, dbname=dbname, autocommit=True)
        self.pid = pid
        self.seen: set[tuple[int, str]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        with self.conn.cursor() as cur:
            while not self._stop.is_set():
                try:
                    self.seen |= _locks(cur, self.pid)
                except Exception:
                    return
                time.sleep(0.001)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.conn.close()


def _scratch_statements(
    run: _Run, dsn: str, conn: Any, dbname: str, vfiles: list[_File], pg: Any
) -> None:
    with conn.cursor() as cur:
        cur.execute("SET lock_timeout = '5s'")
        cur.execute("SELECT pg_backend_pid()")
        row = cur.fetchone()
        pid = int(row[0]) if row else 0
        for f in vfiles:
            for s in f.stmts:
                if s.kind == "TransactionStmt":
                    continue
                if s.kind in _NEVER_IN_SCRATCH:
                    run.add(
                        f,
                        "verify-skipped",
                        "warning",
                        s.start,
                        "not verified: cluster-wide statements are not applied in a scratch "
                        "database (they would outlive it)",
                        "Verify role and database statements separately.",
                    )
                    continue
                before = _rels(cur)
                if s.outside_tx:
                    try:
                        with _Sampler(dsn, dbname, pid) as sampler:
                            cur.execute(s.text)
                    except pg.Error as exc:
                        _failed(run, f, s, exc)
                        continue
                    after = _rels(cur)
                    _report_effects(
                        run,
                        f,
                        s,
                        sampler.seen,
                        before,
                        after,
                        "observed (sampled while it ran, outside a transaction)",
                    )
                    continue
                cur.execute("BEGIN")
                try:
                    cur.execute(s.text)
                except pg.Error as exc:
                    cur.execute("ROLLBACK")
                    _failed(run, f, s, exc)
                    continue
                locks1 = _locks(cur, pid)
                after = _rels(cur)
                cur.execute("COMMIT")  # a scratch copy: the next statements build on it
                _report_effects(run, f, s, locks1, before, after, "took")
