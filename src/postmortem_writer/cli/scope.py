"""--since, --until and --channel: which of the events read a command works on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from postmortem_writer.sources.scope import Scope

F = TypeVar("F", bound=Callable[..., Any])


def scope_options(func: F) -> F:
    """--since/--until (a date or a time, read in --tz without a zone) and --channel NAME (repeatable);
    the command passes its ``since``, ``until`` and ``channels`` to ``build_scope``."""
    decorators = [
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
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def build_scope(since: str | None, until: str | None, channels: tuple[str, ...]) -> Scope:
    """The ``Scope`` the flags ask for (their values are checked when the sources are read, against --tz)."""
    return Scope(since=since, until=until, channels=tuple(channels))
