"""cli/__init__.py and cli/options.py: commands loaded from an explicit table when used,
options declared once, a command's options collected into small groups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import pgarch_lint.cli as cli
from pgarch_lint.cli import COMMANDS, main
from pgarch_lint.cli.options import collect


def _commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    out = {}
    for name in main.list_commands(ctx):
        cmd = main.get_command(ctx, name)
        assert cmd is not None
        out[name] = cmd
    return out


def test_the_table_lists_every_command() -> None:
    commands = _commands()
    assert sorted(commands) == sorted(COMMANDS)
    assert all(cmd.name == name for name, cmd in commands.items())


def test_old_attribute_names_still_give_the_commands() -> None:
    commands = _commands()
    assert cli.check is commands["check"]
    assert cli.rules_cmd is commands["rules"]
    from pgarch_lint.cli import inspect, verify

    assert (inspect.name, verify.name) == ("inspect", "verify")
    with pytest.raises(AttributeError):
        cli.no_such_thing  # noqa: B018


def test_an_unknown_command_suggests_known_ones() -> None:
    r = CliRunner().invoke(main, ["chek"])
    assert r.exit_code == 2
    # one line, like every other usage error
    assert r.output.startswith("pgarch-lint: error: no such command 'chek'.")
    assert "'check'" in r.output and r.output.count("\n") == 1


def test_usage_errors_are_one_line_with_exit_2() -> None:
    for args, said in [
        (["check", "--format", "bogus", "x.sql"], "invalid value for '--format'"),
        (["check", "--jobs", "0", "x.sql"], "invalid value for '--jobs'"),
        (["check", "--nope"], "no such option '--nope'"),
    ]:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2, args
        assert r.output.startswith(f"pgarch-lint: error: {said}"), r.output
        assert r.output.endswith("(see 'pgarch-lint check --help')\n")
        assert r.output.count("\n") == 1


def test_version_and_help_import_only_what_they_need() -> None:
    code = (
        "import sys\n"
        "from pgarch_lint.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('pgarch_lint.cli.cmd_')))\n"
        "print('pglast' in sys.modules, 'pydantic' in sys.modules)\n"
    )

    def loaded(*args: str) -> list[str]:
        r = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
        )
        return r.stdout.strip().splitlines()[-2:]

    assert loaded("--version") == ["[]", "False False"]
    assert loaded("rules", "--help") == ["['pgarch_lint.cli.cmd_rules']", "False False"]


def test_only_the_server_command_imports_the_language_server(tmp_path: Path) -> None:
    """pygls costs a tenth of a second to import: ``check`` (and ``server --help``) must not
    pay for it."""
    sql = tmp_path / "m.sql"
    sql.write_text("SELECT 1;\n")
    code = (
        "import sys\n"
        "from pgarch_lint.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('pygls', 'lsprotocol', 'pgarch_lint.lsp') if m in sys.modules))\n"
    )
    for args in (["check", str(sql)], ["server", "--help"]):
        r = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
        )
        assert r.stdout.strip().splitlines()[-1] == "[]", (args, r.stdout, r.stderr)


@pytest.mark.parametrize(
    ("option", "commands"),
    [
        (
            "config_file",
            ["check", "clean", "schema", "conventions", "model", "plan", "inspect", "verify"],
        ),
        ("select", ["check", "inspect"]),
        ("ignore", ["check", "inspect"]),
        ("quiet", ["check", "inspect", "verify"]),
    ],
)
def test_shared_options_are_the_same_everywhere(option: str, commands: list[str]) -> None:
    infos = []
    for name, cmd in _commands().items():
        for p in cmd.params:
            if p.name == option:
                infos.append((name, p.to_info_dict()))
    assert [n for n, _ in infos] == sorted(commands)
    assert all(info == infos[0][1] for _, info in infos)


class _Pair:
    __slots__ = ("a", "b")

    def __init__(self, a: int = 1, b: str = "x") -> None:
        self.a = a
        self.b = b


def test_collect_groups_options_into_one_parameter() -> None:
    got: list[tuple[int, str, bool]] = []

    @click.command()
    @click.option("--a", type=int, default=5)
    @click.option("--flag", is_flag=True)
    @collect("pair", _Pair)
    def cmd(pair: _Pair, flag: bool) -> None:
        """Doc."""
        got.append((pair.a, pair.b, flag))

    r = CliRunner().invoke(cmd, ["--a", "7", "--flag"])
    assert r.exit_code == 0, r.output
    assert got == [(7, "x", True)]  # b has no option: its default
    assert cmd.name == "cmd" and cmd.help == "Doc."
