"""The file directive that replaces ``assume-in-transaction`` for one file (suppress.py), and
how the engine applies it."""

from __future__ import annotations

import pytest

from pgarch_lint.config import Settings
from pgarch_lint.source import load_source
from pgarch_lint.suppress import transaction_directive
from pgarch_lint.testing import lint_sql


def _directive(text: str) -> bool | None:
    src = load_source(text.encode(), "x.sql")
    return transaction_directive([(c.start, c.end, c.text) for c in src.comments])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT 1;", None),
        ("-- squawk-disable-assume-in-transaction\nSELECT 1;", False),
        ("-- squawk-enable-assume-in-transaction\nSELECT 1;", True),
        # squawk's: the whole comment, blanks and a second `--` part aside, anywhere in the file
        ("SELECT 1; --squawk-disable-assume-in-transaction  -- why\n", False),
        ("SELECT /*  squawk-disable-assume-in-transaction */ 1;", False),
        ("-- squawk-disable-assume-in-transaction because\nSELECT 1;", None),
        ("-- SQUAWK-DISABLE-ASSUME-IN-TRANSACTION\nSELECT 1;", None),
        ("-- note: squawk-disable-assume-in-transaction\nSELECT 1;", None),
        # ours: anywhere in a comment, any case, with a reason
        ("-- pgarch-lint: no-assume-in-transaction  the runner sends it as is\n", False),
        ("/* PGARCH-LINT: assume-in-transaction */ SELECT 1;", True),
        # never in a string or a dollar-quoted body
        ("SELECT '-- squawk-disable-assume-in-transaction';", None),
        ("DO $$ BEGIN -- pgarch-lint: no-assume-in-transaction\nEND $$;", None),
        # the first of a kind counts, and ours wins over squawk's
        (
            "-- squawk-enable-assume-in-transaction\n-- squawk-disable-assume-in-transaction\n",
            True,
        ),
        (
            "-- squawk-enable-assume-in-transaction\n-- pgarch-lint: no-assume-in-transaction\n",
            False,
        ),
    ],
)
def test_transaction_directive(text: str, expected: bool | None) -> None:
    assert _directive(text) is expected


def test_the_directive_replaces_the_setting_but_not_the_markers() -> None:
    nesting = "BEGIN;\nSELECT 1;\nCOMMIT;\n"
    wrapped = Settings(assume_in_transaction=True)
    rules = ["transaction-nesting"]
    assert len(lint_sql(nesting, rules=rules, settings=wrapped)) == 2
    off = "-- squawk-disable-assume-in-transaction\n" + nesting
    assert lint_sql(off, rules=rules, settings=wrapped) == []
    on = "-- pgarch-lint: assume-in-transaction\n" + nesting
    assert len(lint_sql(on, rules=rules)) == 2
    # goose runs the file in a transaction: its marker decides
    goose = "-- +goose Up\n-- pgarch-lint: no-assume-in-transaction\nBEGIN;\nCOMMIT;\n"
    assert len(lint_sql(goose, rules=rules)) == 2
