"""cli/fast.py: a plain ``check`` is read without click, exactly as click reads it.

The property: for any command line, the click-free reading either declines (click then runs
it) or gives the very parameters click's ``check`` command gives.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from console import console_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgarch_lint.cli import main
from pgarch_lint.cli.checking import OPTIONS
from pgarch_lint.cli.cmd_check import check as check_command
from pgarch_lint.cli.common import echo
from pgarch_lint.cli.fast import check as fast_check
from pgarch_lint.cli.fast import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "migrations"


def _click_params(argv: list[str]) -> dict[str, object] | None:
    """The parameters click's ``check`` gives for ``argv`` (None: it rejects it, or prints
    help)."""
    try:
        with check_command.make_context("check", list(argv)) as ctx:
            return dict(ctx.params)
    except (click.exceptions.Exit, click.ClickException):
        return None


# tokens a command line is made of: every option in each of its spellings, values click
# accepts and values it rejects, paths that exist, folders, and tokens that look like options
def _option_tokens() -> list[str]:
    out = ["--", "-", "-h", "--help", "--bogus", "-x", "-vj2", "-v=1", "--quiet=1", "-vv"]
    for opt in OPTIONS:
        for decl in opt.decls:
            for part in decl.split("/"):
                out += [part, f"{part}=", f"{part}=x"]
    return out


def _value_tokens(folder: Path) -> list[str]:
    return [
        "json", "text", "sarif", "bogus", "error", "info", "strict", "recommended",
        "0", "1", "3", "09", "9", "17", "19", "20", "+3", " 4", "1_0", "٣", "-1", "x",
        "a.sql", str(folder), str(folder / "missing.toml"), str(folder / "file.toml"), "",
        "--quiet", "-v", "-", "--", "x=y", "é.sql",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("argv")
    (d / "file.toml").write_text("")
    return d


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_fast_reading_is_clicks_or_declines(folder: Path, data: st.DataObject) -> None:
    tokens = st.sampled_from(_option_tokens() + _value_tokens(folder))
    argv = data.draw(st.lists(tokens, max_size=8))
    fast = parse(argv, OPTIONS)
    if fast is not None:
        assert fast == _click_params(argv), argv


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["a.sql"],
        ["a.sql", "b.sql", "--quiet"],
        ["migrations/", "--context", "old/", "--context=older/", "-j", "2", "-j3", "-v"],
        ["--format", "json", "--fail-on=info", "--select", "a,b", "--select", "c", "x.sql"],
        ["--pg-version", "15", "--no-assume-in-transaction", "--assume-in-transaction", "-"],
        ["--no-cache", "--statistics", "--output", "report.txt", "--", "-odd-name.sql"],
        ["--format", "github", "--format", "sarif", "--stdin-filename", "x.sql", "-"],
        ["--baseline", "base.json", "--since", "main", "--fix", "--unsafe-fixes", "--debug"],
    ],
)
def test_usual_command_lines_are_read_without_click(argv: list[str]) -> None:
    fast = parse(argv, OPTIONS)
    assert fast is not None
    assert fast == _click_params(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["a.sql", "-h"],
        ["--bogus"],
        ["--quiet=yes"],
        ["-vj2"],  # a cluster of short options
        ["--format", "yaml"],
        ["--jobs", "0"],
        ["--pg-version", "8"],
        ["--jobs", "+3"],  # int() accepts it; left to click all the same
        ["--select"],  # no value
        ["--select", "--quiet"],  # a value that looks like an option
        ["--output", "."],  # a folder
    ],
)
def test_what_click_must_say_is_left_to_click(argv: list[str]) -> None:
    assert parse(argv, OPTIONS) is None


def _console(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """The console script (pgarch_lint.cli:entry), and whether it imported click."""
    env = {"PGARCH_LINT_NO_CACHE": "1", "NO_COLOR": "1"}
    return console_script(args, cwd, report="'click' in sys.modules", env=env)


@pytest.mark.parametrize(
    ("args", "fast"),
    [
        (["check", str(EXAMPLE)], True),
        (["check", str(EXAMPLE / "002_order_notes.sql"), "--format", "json"], True),
        (["check", str(EXAMPLE), "--statistics", "--fail-on", "never"], True),
        (["check", "missing.sql"], True),  # an error of the run, not of the command line
        (["check", str(EXAMPLE), "--format", "yaml"], False),
        (["check", "--bogus"], False),
        (["check", "-vj2", str(EXAMPLE)], False),  # a cluster: click reads it, and runs it
    ],
)
def test_the_console_script_says_what_click_says(
    args: list[str], fast: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got, click = _console(args, tmp_path)
    assert click == str(not fast)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PGARCH_LINT_NO_CACHE", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    expected = CliRunner().invoke(main, args, prog_name="pgarch-lint")
    assert got.returncode == expected.exit_code
    assert got.stdout == expected.stdout
    assert got.stderr == expected.stderr


def test_echo_leaves_escapes_and_other_text_to_click(capsys: pytest.CaptureFixture[str]) -> None:
    echo("plain", err=True)
    echo("\x1b[31mred\x1b[0m", err=True)  # not a terminal: click strips the escapes
    echo("naïve", err=False, nl=False)
    out, err = capsys.readouterr()
    assert err == "plain\nred\n"
    assert out == "naïve"


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PGARCH_LINT_COMPLETE", "bash_complete")
    assert fast_check(["a.sql"]) is None


def test_an_interrupt_ends_as_click_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    import pgarch_lint.cli.checking as checking
    import pgarch_lint.cli.cmd_check as cmd_check

    monkeypatch.setattr(checking, "run_check", interrupted)
    monkeypatch.setattr(cmd_check, "run_check", interrupted)
    monkeypatch.chdir(tmp_path)
    assert fast_check(["a.sql"]) == 130
    _, err = capsys.readouterr()
    expected = CliRunner().invoke(main, ["check", "a.sql"])
    assert expected.exit_code == 130
    assert err == expected.stderr == "\npgarch-lint: interrupted\n"
