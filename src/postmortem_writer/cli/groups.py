"""Typed option groups, and the --config option every command that reads the settings file shares.

Kept apart from ``options``: ``postmortem lint`` needs these but not the sources, models and
redaction that ``options`` brings in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from postmortem_writer.config import CONFIG_NAME

F = TypeVar("F", bound=Callable[..., Any])


def option_group(name: str, kind: type[Any], options: list[Callable[[F], F]]) -> Callable[[F], F]:
    """A decorator adding ``options`` to a command, whose function gets their values as one ``kind``.

    ``kind`` is a dataclass whose fields are the options' parameter names; the function takes it
    as the keyword argument ``name``. Fields no option of the group sets keep their defaults.
    """
    names = [item.name for item in fields(kind)]

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def grouped(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = kind(**{key: kwargs.pop(key) for key in names if key in kwargs})
            return func(*args, **kwargs)

        command = cast(F, grouped)
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def config_option(func: F) -> F:
    """--config: the settings file, read with ``postmortem_writer.config.load_config``."""
    return click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"Settings file with [llm], [redact], [lint] and [history] tables [default: the nearest {CONFIG_NAME}, or "
        "pyproject.toml with [tool.postmortem], from the working folder up].",
    )(func)
