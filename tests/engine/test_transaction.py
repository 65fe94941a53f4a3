"""transaction.py: the state machine that follows a migration's transaction, statement by
statement (what rules read as ``ctx.tx``)."""

from __future__ import annotations

from typing import Any

import pytest

from pgarch_lint import sql
from pgarch_lint.api import TxState as ApiTxState
from pgarch_lint.locks import LockMode, LockTaken
from pgarch_lint.transaction import TxState, advance, for_file


def _run(
    text: str, tx: TxState | None = None, locks: dict[int, list[LockTaken]] | None = None
) -> TxState:
    """``tx`` after each statement of ``text`` (``locks``: the locks of statement i)."""
    tx = tx if tx is not None else for_file(False, False)
    for i, node in enumerate(sql.parse_text(text)):
        advance(tx, node, i * 100, (locks or {}).get(i, ()))
    return tx


def test_the_api_name_is_this_class() -> None:
    assert ApiTxState is TxState


def test_begin_nests_and_commit_closes() -> None:
    tx = _run("BEGIN; START TRANSACTION;")
    assert (tx.depth, tx.begin_offset, tx.in_transaction) == (2, 0, True)
    tx = _run("BEGIN; SELECT 1; COMMIT;")
    assert (tx.depth, tx.begin_offset, tx.in_transaction) == (0, None, False)


@pytest.mark.parametrize("end", ["COMMIT", "ROLLBACK", "PREPARE TRANSACTION 'x'"])
def test_the_end_of_a_transaction_forgets_its_locks_and_labels(end: str) -> None:
    lock = LockTaken("orders", LockMode.ACCESS_EXCLUSIVE, True)
    tx = _run(
        "BEGIN; ALTER TYPE mood ADD VALUE 'meh'; ALTER TABLE orders ADD c int;", locks={2: [lock]}
    )
    assert tx.new_enum_labels == {("mood", "meh")}
    assert (tx.exclusive_lock, tx.exclusive_lock_table, tx.exclusive_lock_offset) == (
        lock,
        "orders",
        200,
    )
    _run(f"{end};", tx)
    assert tx.new_enum_labels == frozenset() and tx.exclusive_lock is None
    assert tx.exclusive_lock_table is None and tx.exclusive_lock_offset is None
    assert tx.strong_lock_seen  # for the whole file


def test_savepoints_are_not_followed() -> None:
    tx = _run("BEGIN; SAVEPOINT s; ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s;")
    assert tx.depth == 1


@pytest.mark.parametrize(
    ("statement", "on"),
    [
        ("SET lock_timeout = '2s'", True),
        ("SET LOCAL lock_timeout = 2000", True),
        ("SET lock_timeout TO 0", False),
        ("SET lock_timeout = '0'", False),
        ("SET lock_timeout = '0ms'", False),
        ("SET lock_timeout = ' 0s '", False),
        ("SET lock_timeout TO DEFAULT", False),
        ("RESET lock_timeout", False),
    ],
)
def test_lock_timeout(statement: str, on: bool) -> None:
    tx = _run(f"SET lock_timeout = '5s'; {statement};")
    assert tx.lock_timeout_set is on
    assert not tx.statement_timeout_set


def test_statement_timeout_and_other_settings() -> None:
    tx = _run("SET statement_timeout = '1min'; SET search_path = app;")
    assert tx.statement_timeout_set and not tx.lock_timeout_set
    assert _run("SET statement_timeout = 0;", for_file(False, True)).lock_timeout_set  # runner's


def test_enum_labels_count_only_inside_a_transaction() -> None:
    assert _run("ALTER TYPE mood ADD VALUE 'meh';").new_enum_labels == frozenset()
    tx = _run("ALTER TYPE app.mood ADD VALUE 'meh';", for_file(True, False))
    assert tx.new_enum_labels == {("app.mood", "meh")}
    assert _run("BEGIN; ALTER TYPE mood RENAME VALUE 'a' TO 'b';").new_enum_labels == frozenset()


def test_the_first_access_exclusive_lock_on_an_existing_table_is_kept() -> None:
    share = LockTaken("a", LockMode.SHARE, True)
    new = LockTaken("b", LockMode.ACCESS_EXCLUSIVE, False)
    first = LockTaken(None, LockMode.ACCESS_EXCLUSIVE, True, index="ix_c")
    second = LockTaken("d", LockMode.ACCESS_EXCLUSIVE, True)
    tx = _run(
        "BEGIN; SELECT 1; SELECT 2; SELECT 3; SELECT 4;",
        locks={1: [share], 2: [new], 3: [first], 4: [second]},
    )
    assert tx.strong_lock_seen
    assert (tx.exclusive_lock, tx.exclusive_lock_table, tx.exclusive_lock_offset) == (
        first,
        "ix_c",
        300,
    )


def test_no_exclusive_lock_is_kept_outside_a_transaction() -> None:
    lock = LockTaken("a", LockMode.ACCESS_EXCLUSIVE, True)
    tx = _run("SELECT 1;", locks={0: [lock]})
    assert tx.strong_lock_seen and tx.exclusive_lock is None


def test_transaction_and_set_statements_take_no_lock_into_account() -> None:
    lock: Any = LockTaken("a", LockMode.ACCESS_EXCLUSIVE, True)
    tx = _run("BEGIN; SET lock_timeout = '1s';", locks={0: [lock], 1: [lock]})
    assert not tx.strong_lock_seen and tx.exclusive_lock is None


@pytest.mark.parametrize("end", ["COMMIT", "ROLLBACK", "PREPARE TRANSACTION 'x'"])
def test_the_end_of_a_transaction_is_remembered(end: str) -> None:
    tx = _run("SELECT 1;", for_file(True, False))
    assert tx.end_offset is None
    _run(f"BEGIN; {end}; SELECT 1;", tx)  # statements at 0, 100, 200
    assert tx.end_offset == 100 and tx.wrapped  # wrapped stays: a file-level fact


def test_locks_taken_and_waited_for() -> None:
    weak = LockTaken("a", LockMode.SHARE_UPDATE_EXCLUSIVE, True)
    nowait = LockTaken("b", LockMode.ACCESS_EXCLUSIVE, True, waits=False)
    again = LockTaken("b", LockMode.SHARE, True)  # b is held ACCESS EXCLUSIVE already
    cic = LockTaken("c", LockMode.SHARE_UPDATE_EXCLUSIVE, True, concurrent=True)
    new = LockTaken("d", LockMode.ACCESS_EXCLUSIVE, False)
    tx = _run("SELECT 0;", locks={0: [cic, new]})
    assert (tx.lock_taken, tx.lock_waited, tx.strong_lock_seen) == (None, None, False)
    tx = _run("BEGIN; SELECT 1;", locks={1: [weak]})
    assert (tx.lock_taken, tx.lock_waited) == (weak.mode, weak.mode)
    assert not tx.strong_lock_seen
    _run("SELECT 2;", tx, locks={0: [nowait]})
    assert (tx.lock_taken, tx.lock_waited) == (weak.mode, weak.mode)
    assert tx.strong_lock_seen and tx.tx_locks == (weak, nowait)
    _run("SELECT 3;", tx, locks={0: [again]})  # granted at once: taken, not waited for
    assert (tx.lock_taken, tx.lock_waited) == (LockMode.SHARE, weak.mode)
    assert tx.tx_locks == (weak, nowait)
    _run("COMMIT;", tx)
    assert tx.tx_locks == ()
    # outside a transaction each statement's locks end with it: the same lock waits again
    tx = _run("SELECT 1; SELECT 2;", locks={0: [nowait], 1: [again]})
    assert (tx.lock_waited, tx.tx_locks) == (LockMode.SHARE, ())
