"""The exceptions a run may end with, shared by the engine, parallel, the registry, the config
and the CLI.

Each one carries one line that is fit to print: the CLI prints ``pgarch-lint: error: <line>``
and exits 2 (see ``pgarch_lint.cli.guard``). They are also importable from the modules that
raise them (``pgarch_lint.config.ConfigError``, ``pgarch_lint.engine.InternalError``, ...).
This module imports nothing, so that catching them costs nothing.
"""

from __future__ import annotations

__all__ = [
    "BaselineError",
    "ConfigError",
    "GitError",
    "InternalError",
    "LiveError",
    "RegistryError",
]


class InternalError(Exception):
    """A rule or the engine failed: the CLI prints one line and exits 2."""


class ConfigError(Exception):
    """A configuration or usage problem: one clear line, exit code 2."""


class RegistryError(Exception):
    """A rule pack failed to load or is malformed."""


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline: one line, exit 2."""


class GitError(Exception):
    """git is missing, this is not a repository, or the ref cannot be resolved."""


class LiveError(Exception):
    """A live-mode failure; the message is safe to print (no password)."""
