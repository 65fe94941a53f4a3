"""The click group ``pgarch-lint`` and its commands, each imported on first use (see
:data:`COMMANDS`)."""

from __future__ import annotations

import sys

import click

from pgarch_lint import __version__

__all__ = ["COMMANDS", "load", "main"]

# command name → (module, attribute): a command's module is imported when the command is used
# (or listed by --help), so a run of ``check`` does not build the options of the others
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("pgarch_lint.cli.cmd_check", "check"),
    "rules": ("pgarch_lint.cli.cmd_rules", "rules_cmd"),
    "explain": ("pgarch_lint.cli.cmd_rules", "explain"),
    "schema": ("pgarch_lint.cli.cmd_schema", "schema"),
    "conventions": ("pgarch_lint.cli.cmd_schema", "conventions"),
    "model": ("pgarch_lint.cli.cmd_schema", "model"),
    "plan": ("pgarch_lint.cli.cmd_plan", "plan"),
    "inspect": ("pgarch_lint.cli.cmd_live", "inspect"),
    "verify": ("pgarch_lint.cli.cmd_live", "verify"),
    "init": ("pgarch_lint.cli.cmd_init", "init"),
    "clean": ("pgarch_lint.cli.cmd_clean", "clean"),
    "server": ("pgarch_lint.cli.cmd_server", "server"),
}


def load(name: str) -> click.Command:
    module, attr = COMMANDS[name]
    # __import__ rather than importlib.import_module: ``python -X importtime`` reports it
    command: click.Command = getattr(__import__(module, fromlist=(attr,)), attr)
    return command


class _Commands(click.Group):
    """The command group, its commands imported on first use (see COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in COMMANDS:
                self.add_command(load(cmd_name), cmd_name)
            else:  # an unknown name: every command, for click's "did you mean"
                for name in COMMANDS:
                    if name not in self.commands:
                        self.add_command(load(name), name)
        return self.commands.get(cmd_name)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> object:
        """Usage errors (unknown option or command, a bad value) as one line on stderr and
        exit 2, like every other expected problem; click would print the usage first."""
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()  # no command: the help, as click prints it
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            msg = exc.format_message()
            where = "pgarch-lint"
            if exc.ctx is not None and exc.ctx.parent is not None:
                where += f" {exc.ctx.info_name}"
            click.echo(
                f"pgarch-lint: error: {msg[:1].lower()}{msg[1:]} (see '{where} --help')", err=True
            )
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"pgarch-lint: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("pgarch-lint: interrupted", err=True)
            sys.exit(130)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="pgarch-lint", message="%(prog)s %(version)s"
)
def main() -> None:
    """pgarch-lint: a PostgreSQL schema architect for your migrations, schemas and queries."""
