"""Command-line flags over the configuration: the one place that merges them.

``check``, ``inspect`` and ``verify`` take rule-selection flags; :func:`apply_flags` is how any
of them changes the settings loaded from the configuration, and :func:`configure` loads the
rules' metadata and the settings, applies the flags, checks every rule name and selects the
rules of the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pgarch_lint.cli.common import split_names

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike
    from pgarch_lint.config import Settings


class SettingsFlags:
    """The flags that override the configuration (empty or None: not given).

    A plain class, like the other option groups: a named tuple or a dataclass costs a tenth
    of a millisecond or more to create, and every run imports it.
    """

    __slots__ = (
        "assume_in_transaction",
        "extend_select",
        "fail_on",
        "ignore",
        "pg_version",
        "preset",
        "select",
    )

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        preset: str | None = None,
        fail_on: str | None = None,
        pg_version: int | None = None,
        assume_in_transaction: bool | None = None,
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.extend_select = extend_select
        self.preset = preset
        self.fail_on = fail_on
        self.pg_version = pg_version
        self.assume_in_transaction = assume_in_transaction


def apply_flags(settings: Settings, flags: SettingsFlags) -> None:
    """Override ``settings`` with the flags given: ``--select``, ``--preset``,
    ``--fail-on``, ``--pg-version`` and ``--[no-]assume-in-transaction`` replace the
    configured value; ``--ignore`` and ``--extend-select`` add to it."""
    select = split_names(flags.select)
    if select is not None:
        settings.select = select
    settings.ignore = (*settings.ignore, *(split_names(flags.ignore) or ()))
    settings.extend_select = (*settings.extend_select, *(split_names(flags.extend_select) or ()))
    if flags.preset:
        settings.preset = flags.preset
    if flags.fail_on:
        settings.fail_on = flags.fail_on
    if flags.pg_version:
        settings.pg_version = flags.pg_version
    if flags.assume_in_transaction is not None:
        settings.assume_in_transaction = flags.assume_in_transaction


class Configured:
    """The settings of a run, the rules it runs and every installed rule."""

    __slots__ = ("all_rules", "rules", "settings")

    def __init__(
        self, settings: Settings, rules: list[RuleLike], all_rules: Sequence[RuleLike]
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.all_rules = all_rules


def discovery_start(paths: Sequence[str]) -> Path:
    """Where the configuration is looked for: the deepest folder holding every input (a
    file's own folder), else the current folder (no path, or only ``-``)."""
    import os

    dirs = []
    for raw in paths:
        if raw == "-":
            continue
        p = Path(raw).absolute()
        dirs.append(str(p if p.is_dir() else p.parent))
    if not dirs:
        return Path.cwd()
    return Path(os.path.commonpath(dirs))


def _same_config_for_all(paths: Sequence[str], chosen: Path | None) -> None:
    """One configuration per run: an input under another project's configuration file than
    the one found for the run is an error (run once per project, or pass --config)."""
    from pgarch_lint.config import find_config
    from pgarch_lint.errors import ConfigError

    seen: dict[Path, Path | None] = {}
    for raw in paths:
        if raw == "-":
            continue
        p = Path(raw).absolute()
        folder = p if p.is_dir() else p.parent
        if folder not in seen:
            hit = find_config(folder)
            seen[folder] = hit[0] if hit is not None else None
        own = seen[folder]
        if own is not None and (chosen is None or own.resolve() != chosen.resolve()):
            used = str(chosen) if chosen is not None else "no configuration file"
            raise ConfigError(
                f"{raw} is under {own}, but this run uses {used}: check each project "
                "separately, or pass --config"
            )


def command_settings(config_file: str | None, paths: Sequence[str]) -> Settings:
    """The configuration of a command that runs no rule (``schema``, ``plan``...):
    ``--config``, else the nearest one above the inputs (:func:`discovery_start`)."""
    from pgarch_lint.config import load_settings

    return load_settings(Path(config_file) if config_file else None, start=discovery_start(paths))


def configure(
    config_file: str | None, flags: SettingsFlags, paths: Sequence[str] = ()
) -> Configured:
    """Load the configuration (``--config``, or the nearest one above the inputs: see
    :func:`discovery_start`), apply the flags, check every rule name they and the
    configuration give (ConfigError) and select the rules."""
    from pgarch_lint.config import load_settings, resolve_names, select_rules
    from pgarch_lint.registry import rule_refs

    all_rules = rule_refs()  # metadata only: a rule's module is imported when it must run
    settings = load_settings(
        Path(config_file) if config_file else None, start=discovery_start(paths), rules=all_rules
    )
    if config_file is None and len(paths) > 1:
        _same_config_for_all(paths, settings.config_file)
    apply_flags(settings, flags)
    resolve_names(settings, list(all_rules), "command line")
    return Configured(settings, select_rules(all_rules, settings), all_rules)
