"""The migration's transaction state machine.

A :class:`TxState` follows one file statement by statement: whether a transaction is open
(the runner's wrapping or an explicit ``BEGIN``), which session settings protect it
(``lock_timeout``, ``statement_timeout``), which strong locks it holds and which enum labels it
added. The engine creates one per file (:func:`for_file`), lets the rules read it *before* each
statement and then calls :func:`advance` with the statement. Rules read it as ``ctx.tx``; the
class is public as ``pgarch_lint.api.TxState``.

Known gaps: ``SAVEPOINT`` and ``ROLLBACK TO`` are not followed, nor settings made with
``SET LOCAL`` (treated as ``SET``) or ``set_config()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint import sql
from pgarch_lint.locks import LockMode, LockTaken

if TYPE_CHECKING:
    from pgarch_lint.sql import ast

__all__ = ["TxState", "advance", "for_file"]


@dataclass(slots=True)
class TxState:
    """Transaction and session state of the file *before* the current statement."""

    wrapped: bool = False  # the migration runner wraps the whole file in a transaction
    depth: int = 0  # explicit BEGIN nesting
    begin_offset: int | None = None  # where the open explicit BEGIN started
    end_offset: int | None = None  # where the last COMMIT / ROLLBACK / PREPARE TRANSACTION started
    lock_timeout_set: bool = False
    statement_timeout_set: bool = False
    strong_lock_seen: bool = False  # an earlier statement of this file took a strong lock
    # the strongest lock an earlier statement of this file took on an existing table, and the
    # strongest it had to wait for (not one the transaction held already); None: none did.
    # NOWAIT locks and the CONCURRENTLY forms count for neither (see LockTaken).
    lock_taken: LockMode | None = None
    lock_waited: LockMode | None = None
    # the first ACCESS EXCLUSIVE lock on an existing table taken earlier in this transaction:
    # the lock, its table's name (the index's name when the catalog cannot place the index it
    # came through) and the statement's offset
    exclusive_lock: LockTaken | None = None
    exclusive_lock_table: str | None = None
    exclusive_lock_offset: int | None = None
    new_enum_labels: frozenset[tuple[str, str]] = frozenset()  # (type, label) added in this tx
    # the locks earlier statements of the open transaction took on existing tables (empty
    # outside a transaction: each statement's locks end with it)
    tx_locks: tuple[LockTaken, ...] = ()

    @property
    def in_transaction(self) -> bool:
        return self.wrapped or self.depth > 0


def for_file(wrapped: bool, lock_timeout_set: bool) -> TxState:
    """The state at the top of a file: ``wrapped`` when the runner wraps it in a transaction,
    ``lock_timeout_set`` when the runner sets a lock timeout."""
    return TxState(wrapped=wrapped, lock_timeout_set=lock_timeout_set)


def advance(tx: TxState, node: ast.Node, start: int, locks: Iterable[LockTaken]) -> None:
    """Update ``tx`` past the statement ``node`` (at offset ``start``, taking ``locks``)."""
    kind = type(node).__name__
    if kind == "TransactionStmt":
        _transaction(tx, cast("ast.TransactionStmt", node), start)
    elif kind == "VariableSetStmt":
        _setting(tx, cast("ast.VariableSetStmt", node))
    else:
        if kind == "AlterEnumStmt":
            _enum_label(tx, cast("ast.AlterEnumStmt", node))
        _locks(tx, start, locks)


def _transaction(tx: TxState, node: ast.TransactionStmt, start: int) -> None:
    """BEGIN / START TRANSACTION open (or nest); COMMIT, ROLLBACK and PREPARE TRANSACTION
    close and forget the transaction's locks and enum labels."""
    TK = sql.enums.TransactionStmtKind
    if node.kind in (TK.TRANS_STMT_BEGIN, TK.TRANS_STMT_START):
        if tx.depth == 0:
            tx.begin_offset = start
        tx.depth += 1
    elif node.kind in (TK.TRANS_STMT_COMMIT, TK.TRANS_STMT_ROLLBACK, TK.TRANS_STMT_PREPARE):
        tx.depth = 0
        tx.begin_offset = None
        tx.end_offset = start
        tx.exclusive_lock = None
        tx.exclusive_lock_table = None
        tx.exclusive_lock_offset = None
        tx.new_enum_labels = frozenset()
        tx.tx_locks = ()


def _setting(tx: TxState, node: ast.VariableSetStmt) -> None:
    """SET / RESET of lock_timeout or statement_timeout: on unless reset, set to DEFAULT or 0."""
    name = (node.name or "").lower()
    if name not in ("lock_timeout", "statement_timeout"):
        return
    VK = sql.enums.VariableSetKind
    on = node.kind in (VK.VAR_SET_VALUE, VK.VAR_SET_CURRENT) and not _is_zero(node.args)
    if name == "lock_timeout":
        tx.lock_timeout_set = on
    else:
        tx.statement_timeout_set = on


def _enum_label(tx: TxState, node: ast.AlterEnumStmt) -> None:
    """ALTER TYPE ... ADD VALUE inside a transaction: the label cannot be used before COMMIT."""
    if node.newVal and not node.oldVal and tx.in_transaction:
        tname = ".".join(s.sval for s in node.typeName or () if hasattr(s, "sval"))
        tx.new_enum_labels = tx.new_enum_labels | {(tname, node.newVal)}


def _locks(tx: TxState, start: int, locks: Iterable[LockTaken]) -> None:
    """Remember that a strong lock was taken on an existing table, the strongest lock waited
    for, and the transaction's first ACCESS EXCLUSIVE lock."""
    for lk in locks:
        if not lk.existing:
            continue
        if lk.mode.blocks_writes:
            tx.strong_lock_seen = True
        held = lk.held_already(tx.tx_locks)
        if lk.waits and not lk.concurrent:
            tx.lock_taken = _stronger(tx.lock_taken, lk.mode)
            if not held:
                tx.lock_waited = _stronger(tx.lock_waited, lk.mode)
        if tx.in_transaction and not held:
            tx.tx_locks = (*tx.tx_locks, lk)
        if (
            lk.existing
            and lk.mode == LockMode.ACCESS_EXCLUSIVE
            and tx.in_transaction
            and tx.exclusive_lock_table is None
        ):
            tx.exclusive_lock = lk
            tx.exclusive_lock_table = lk.table if lk.table is not None else lk.index
            tx.exclusive_lock_offset = start


def _stronger(a: LockMode | None, b: LockMode) -> LockMode:
    return b if a is None else max(a, b)


def _is_zero(args: Iterable[Any] | None) -> bool:
    """Whether a SET's value is zero (which turns a timeout off)."""
    for a in args or ():
        v = getattr(a, "val", None)
        ival = getattr(v, "ival", None)
        sval = getattr(v, "sval", None)
        if ival == 0 or (isinstance(sval, str) and sval.strip() in ("0", "0s", "0ms")):
            return True
        if v is not None and ival is None and sval is None and type(v).__name__ == "Integer":
            return True  # Integer(0) prints no ival
    return False
