"""The ``postmortem`` command: a click group with one module per subcommand."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from postmortem_writer import __version__
from postmortem_writer.errors import PostmortemError

# Subcommands are imported when used: `postmortem lint` (often a pre-commit hook) need not load
# the source adapters and extractors that `draft` needs.
_COMMANDS = {
    "draft": "postmortem_writer.cli.draft:draft",
    "ingest": "postmortem_writer.cli.ingest:ingest",
    "redact": "postmortem_writer.cli.redact:redact",
    "formats": "postmortem_writer.cli.formats:formats",
    "lint": "postmortem_writer.cli.lint:lint",
    "reword": "postmortem_writer.cli.reword:reword",
    "eval": "postmortem_writer.cli.eval:eval_command",
    "review": "postmortem_writer.cli.review:review",
    "apply": "postmortem_writer.cli.apply:apply",
    "history": "postmortem_writer.cli.history:history",
}


class _Group(click.Group):
    """Loads subcommands on demand; turns our own errors into one line on stderr and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, attribute = _COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostmortemError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="postmortem")
def cli() -> None:
    """Draft evidence-backed, blameless incident postmortems from chat, alert and deploy exports.

    Every statement in a draft cites the source events it rests on; times come from the sources.
    With no model configured, drafts use the built-in rule-based extractor (no key, no network).
    Every option can also be set in the environment as POSTMORTEM_<COMMAND>_<OPTION>, for
    example POSTMORTEM_DRAFT_TZ=Europe/Berlin.

    \b
    Example:
      postmortem draft slack-export.zip pagerduty-log.json deploys.csv -o postmortem.md
    """


def main() -> None:
    """Entry point of the ``postmortem`` console script (options also read ``POSTMORTEM_*``)."""
    cli(auto_envvar_prefix="POSTMORTEM")
