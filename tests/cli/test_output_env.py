"""Terminal behaviour of the text formats: concise lines, colour switches, escaped control
characters, indented multi-line help, plurals."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.findings import Finding, Report, Summary
from pgarch_lint.reporters import render

SQL = "CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json);\n"


def check(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    (tmp_path / "m.sql").write_text(SQL)
    r = CliRunner().invoke(
        main, ["check", str(tmp_path / "m.sql"), "--select", "prefer-jsonb", *args], env=env
    )
    assert r.exit_code == 1, r.output
    return r.output


def test_concise_is_one_line_per_finding_then_the_summary(tmp_path: Path) -> None:
    out = check(tmp_path, "--format", "concise").splitlines()
    assert out[0].endswith(
        'm.sql:1:55: warning[prefer-jsonb] [*] column "webhooks.payload" is json: every '
        "access re-parses the text, and it has no equality operator and no GIN index support"
    )
    assert out[1] == "1 finding (0 errors, 1 warning, 0 info) in 1 file, 1 statement"
    assert out[2] == "1 finding fixable with --fix."
    assert len(out) == 3


@pytest.mark.parametrize(
    ("env", "colored"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
        ({}, False),  # not a terminal
    ],
)
def test_colour_follows_the_environment(tmp_path: Path, env: dict[str, str], colored: bool) -> None:
    base = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm"}
    out = check(tmp_path, env={**base, **env})  # type: ignore[dict-item]
    assert ("\x1b[" in out) is colored


def finding(**kw: object) -> Finding:
    base: dict[str, object] = {
        "rule": "r",
        "category": "correctness",
        "severity": "warning",
        "path": "m.sql",
        "line": 1,
        "column": 4,
        "end_line": 1,
        "end_column": 6,
        "message": "m",
        "help": "",
    }
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def text_of(f: Finding, fmt: str = "text") -> str:
    s = Summary(files=1, statements=1)
    s.by_severity[f.severity] += 1
    out = io.StringIO()
    render(fmt, Report([f], s), out)
    return out.getvalue()


def test_control_characters_are_escaped_and_the_caret_still_points_at_the_span() -> None:
    out = text_of(
        finding(source_line="a\x01b\x1b[0mXY tail", column=4, end_column=10, message="x\x07")
    )
    assert "\x01" not in out and "\x1b" not in out and "\x07" not in out
    lines = out.splitlines()
    assert lines[0].endswith("warning[r] x\\x07")
    frame, caret = lines[1], lines[2]
    assert frame.endswith("a\\x01b\\x1b[0mXY tail")
    start = caret.index("^")
    assert frame[start:].startswith("\\x1b[0mXY")
    assert caret.count("^") == len("\\x1b[0mXY")


def test_multi_line_help_keeps_its_indentation() -> None:
    out = text_of(finding(help="Do this:\n1. first\n   detail\n2. second"))
    assert "  help: Do this:\n        1. first\n           detail\n        2. second\n" in out


def test_github_summary_plurals() -> None:
    out = text_of(finding(severity="error"), "github")
    assert out.splitlines()[-1] == "pgarch-lint: 1 finding (1 error, 0 warnings, 0 info) in 1 file"
