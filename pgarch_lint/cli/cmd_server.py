"""``pgarch-lint server``: the language server (LSP over stdio) for editors.

It needs pygls, which the ``lsp`` extra installs (``pip install 'pgarch-lint[lsp]'``); without
it the command says so in one line and exits 2. The server itself lives in pgarch_lint/lsp/
(imported here only when the command runs, so no other command pays for pygls); editor set-up
is in docs/editors.md.
"""

from __future__ import annotations

import click

from pgarch_lint.cli.common import die

MISSING_PYGLS = "the language server needs pygls: pip install 'pgarch-lint[lsp]'"


@click.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk LSP over standard input and output (the default and only transport; "
    "accepted because some editors pass it).",
)
def server(stdio: bool) -> None:
    """Run the language server (LSP over stdio) for editors: see docs/editors.md."""
    try:
        from pgarch_lint.lsp.server import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("pygls", "lsprotocol", "cattrs"):
            die(MISSING_PYGLS)
        raise
    from pgarch_lint import startup

    startup.ONE_RUN = False  # this process lives on: nothing it loads is frozen for good
    serve()
