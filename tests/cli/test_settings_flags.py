"""cli/settings.py: the one function through which command-line flags override the
configuration (check, inspect and verify all go through it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.cli.settings import SettingsFlags, apply_flags, configure
from pgarch_lint.config import ConfigError, Settings


def _configured() -> Settings:
    return Settings(
        preset="strict",
        select=("naming",),
        ignore=("ban-drop-table",),
        extend_select=("prefer-text-field",),
        fail_on="error",
        pg_version=15,
        assume_in_transaction=True,
    )


def test_no_flag_changes_nothing() -> None:
    s = _configured()
    apply_flags(s, SettingsFlags())
    assert s == _configured()


def test_flags_replace_or_extend() -> None:
    s = _configured()
    apply_flags(
        s,
        SettingsFlags(
            select=("indexes, security", "naming"),
            ignore=("a,b",),
            extend_select=("c",),
            preset="recommended",
            fail_on="never",
            pg_version=13,
            assume_in_transaction=False,
        ),
    )
    assert s.select == ("indexes", "security", "naming")  # replaced, comma-separated
    assert s.ignore == ("ban-drop-table", "a", "b")  # added to the configured ones
    assert s.extend_select == ("prefer-text-field", "c")
    assert (s.preset, s.fail_on, s.pg_version) == ("recommended", "never", 13)
    assert s.assume_in_transaction is False  # a given False overrides


def test_a_select_flag_of_only_commas_is_still_given() -> None:
    s = _configured()
    apply_flags(s, SettingsFlags(select=(" , ",)))
    assert s.select == ()  # given, but empty: as the old code did
    s = _configured()
    apply_flags(s, SettingsFlags(select=()))
    assert s.select == ("naming",)


def test_configure_checks_names_and_selects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    conf = configure(None, SettingsFlags(select=("ban-drop-table",)))
    assert [r.qualified_name for r in conf.rules] == ["ban-drop-table"]
    assert len(conf.all_rules) > 90
    with pytest.raises(ConfigError, match=r"command line: ignore: unknown rule 'ban-drop-tabel'"):
        configure(None, SettingsFlags(ignore=("ban-drop-tabel",)))
    (tmp_path / "pgarch-lint.toml").write_text('ignore = ["no-such-rule"]\n')
    with pytest.raises(ConfigError, match="no-such-rule"):
        configure(None, SettingsFlags())


@pytest.mark.parametrize("command", ["check", "inspect", "verify"])
def test_every_command_with_selection_flags_goes_through_apply_flags(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands call configure() with their flags; an unknown rule name in them is the
    same one-line error everywhere."""
    seen: list[SettingsFlags] = []

    def spy(config_file: str | None, flags: SettingsFlags, paths: object = ()) -> None:
        seen.append(flags)
        raise ConfigError("stop here")

    import pgarch_lint.cli.checking as cmd_check
    import pgarch_lint.cli.cmd_live as cmd_live

    monkeypatch.setattr(cmd_check, "configure", spy)
    monkeypatch.setattr(cmd_live, "configure", spy)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.sql").write_text("SELECT 1;\n")
    args = {
        "check": ["check", "a.sql", "--ignore", "x", "--fail-on", "info"],
        "inspect": ["inspect", "--dsn", "dbname=x", "--ignore", "x", "--fail-on", "info"],
        "verify": ["verify", "a.sql", "--dsn", "dbname=x", "--fail-on", "info"],
    }[command]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "pgarch-lint: error: stop here" in r.output
    [flags] = seen
    assert flags.fail_on == "info"
    assert flags.ignore == (() if command == "verify" else ("x",))
