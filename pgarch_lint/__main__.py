from pgarch_lint.cli import entry

entry()
