"""--since, --until and --channel: which of the events read a command works on."""

from __future__ import annotations

import click

from postmortem_writer.cli.groups import option_group
from postmortem_writer.sources.scope import Scope

scope_options = option_group(
    "scope",
    Scope,
    [
        click.option(
            "--since",
            metavar="WHEN",
            help="Leave out events before this date or time (2025-03-04, 2025-03-04T09:00, …; in --tz without "
            "a zone). Without --since/--until, sources far apart in time are reported and the ones around "
            "the first detection are kept.",
        ),
        click.option(
            "--until",
            metavar="WHEN",
            help="Leave out events from this time on (a date: after that whole day).",
        ),
        click.option(
            "--channel",
            "channels",
            metavar="NAME",
            multiple=True,
            help="Keep only this chat channel's messages (repeatable); alerts, pages and deploys are kept.",
        ),
    ],
)
"""--since/--until (a date or a time, read in --tz without a zone) and --channel NAME (repeatable);
passed as ``scope: Scope`` (checked against --tz when the sources are read)."""
