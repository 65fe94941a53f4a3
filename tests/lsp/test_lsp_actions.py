"""pgarch_lint/lsp/actions.py: the "ignore" code actions write suppression comments that do
silence the finding (checked by linting the edited text again), and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgarch_lint.lsp.actions import Edit, ignore_file, ignore_statement
from pgarch_lint.lsp.lint import DocumentLint, lint_text, prepare

RULE = "require-concurrent-index-creation"


def _apply(text: str, edit: Edit) -> str:
    start, end, new = edit
    return text[:start] + new + text[end:]


def _lint(text: str, root: Path) -> DocumentLint:
    return lint_text(prepare(None, [root], "untitled:1"), text)


def _hits(result: DocumentLint, rule: str = RULE) -> list[int]:
    return [result.span(f)[0] for f in result.findings if f.rule == rule]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "SET lock_timeout = '1s';\n    CREATE INDEX ix_a ON orders (a);\nCREATE INDEX ix_b ON orders (b);\n",
            "SET lock_timeout = '1s';\n    -- pgarch-lint: ignore[RULE]\n    CREATE INDEX ix_a ON orders (a);\n",
        ),
        (  # another statement ends on the line: the line is broken before this one
            "SET lock_timeout = '1s'; CREATE INDEX ix_a ON orders (a);\r\nCREATE INDEX ix_b ON orders (b);\r\n",
            "SET lock_timeout = '1s'; \r\n-- pgarch-lint: ignore[RULE]\r\nCREATE INDEX ix_a ON orders (a);\r\n",
        ),
        (  # a leading comment stays with the statement, above the directive
            "\ufeff-- why\nCREATE INDEX ix_a ON orders (a);\nCREATE INDEX ix_b ON orders (b);\n",
            "\ufeff-- why\n-- pgarch-lint: ignore[RULE]\nCREATE INDEX ix_a ON orders (a);\n",
        ),
    ],
)
def test_ignore_for_this_statement(tmp_path: Path, text: str, want: str) -> None:
    before = _lint(text, tmp_path)
    first = _hits(before)[0]
    edit = ignore_statement(text, before.bom, first, RULE)
    assert edit is not None
    fixed = _apply(text, edit)
    assert fixed.startswith(want.replace("RULE", RULE))
    after = _lint(fixed, tmp_path)
    assert len(_hits(after)) == len(_hits(before)) - 1  # the other statement keeps its finding
    assert "unused-suppression" not in [f.rule for f in after.findings]


def test_no_statement_action_outside_a_statement() -> None:
    text = "-- a comment\n\nCREATE INDEX ix_a ON orders (a);\n"
    assert ignore_statement(text, 0, 3, RULE) is None
    assert ignore_statement(text, 0, text.index("CREATE"), RULE) == (
        14,
        14,
        f"-- pgarch-lint: ignore[{RULE}]\n",
    )


def test_ignore_for_this_file(tmp_path: Path) -> None:
    text = "\ufeffCREATE INDEX ix_a ON orders (a);\r\nCREATE INDEX ix_b ON orders (b);\r\n"
    before = _lint(text, tmp_path)
    edit = ignore_file(text, before.bom, RULE)
    assert edit == (1, 1, f"-- pgarch-lint: ignore-file[{RULE}]\r\n")
    fixed = _apply(text, edit)
    after = _lint(fixed, tmp_path)
    assert _hits(after) == [] and _hits(before)
    # a second rule joins the file's directive
    lock = "require-lock-timeout"
    assert _hits(after, lock)
    again = _apply(fixed, ignore_file(fixed, 1, lock))
    assert again.startswith(f"\ufeff-- pgarch-lint: ignore-file[{RULE}, {lock}]\r\nCREATE")
    assert _hits(_lint(again, tmp_path), lock) == []
