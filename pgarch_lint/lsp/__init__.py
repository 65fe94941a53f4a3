"""The language server: ``pgarch-lint server`` (LSP over stdio, ``pip install 'pgarch-lint[lsp]'``).

Only :mod:`pgarch_lint.lsp.server` imports pygls; the rest is plain Python that the tests drive
without a client: :mod:`~pgarch_lint.lsp.text` (offsets to LSP positions in the negotiated
encoding), :mod:`~pgarch_lint.lsp.lint` (lint one open document with its workspace's
configuration, after replaying the earlier migrations of its folder; fix all safe findings)
and :mod:`~pgarch_lint.lsp.actions` (the edits of the "ignore" code actions).

The server sits under the cli (``pgarch-lint server`` starts it) and above the engine; it never
imports the cli (see the import contracts in pyproject.toml and docs/editors.md).
"""
