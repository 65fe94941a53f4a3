"""``python -m pgarch_lint.cli``: the same as ``pgarch-lint``."""

from pgarch_lint.cli import entry

entry()
