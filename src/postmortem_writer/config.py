"""The settings file: where it is found, and its tables read into one typed ``Config``.

One rule for every table: ``--config FILE`` if given, else the nearest ``.postmortem.toml``, or
``pyproject.toml`` with a ``[tool.postmortem]`` table, from the working folder up through its
parents (in one folder, ``.postmortem.toml`` comes first). The tables are ``[llm]`` (the model
endpoint), ``[redact]`` (what to hide from it), ``[lint]`` (the blame and completeness rules) and
``[history]`` (folders of earlier postmortems, relative to the file's folder);
in a pyproject.toml they are ``[tool.postmortem.llm]`` and so on. Flags and environment variables
win over the file; the file wins over the defaults.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError, field_validator

from postmortem_writer.errors import UsageError
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.llm.settings import EndpointConfig

CONFIG_NAME = ".postmortem.toml"
PYPROJECT = "pyproject.toml"


class RedactConfig(BaseModel):
    """The ``[redact]`` table: what to leave as it is, and whether to redact or pseudonymise."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    redact: StrictBool | None = None
    pseudonymize: StrictBool = False
    keep: tuple[StrictStr, ...] = ()
    allow: tuple[StrictStr, ...] = ()
    phone_region: StrictStr | None = None

    @field_validator("keep")
    @classmethod
    def _known_kinds(cls, keep: tuple[str, ...]) -> tuple[str, ...]:
        # Imported here: `postmortem lint` reads this file too and need not load the redaction detectors.
        from postmortem_writer.redact import Kind

        kinds = [kind.value for kind in Kind]
        if any(kind not in kinds for kind in keep):
            raise ValueError(f"must list kinds among: {', '.join(kinds)}")
        return keep


class HistoryConfig(BaseModel):
    """The ``[history]`` table: folders of earlier postmortems every draft is compared with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dirs: tuple[StrictStr, ...] = ()

    def taken_from(self, base: Path) -> HistoryConfig:
        """These settings with each relative folder taken from ``base`` (the settings file's folder)."""
        return HistoryConfig(dirs=tuple(str(base / folder) for folder in self.dirs))


class Config(BaseModel):
    """Every table of the settings file, each with its defaults when the file lacks it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    llm: EndpointConfig = EndpointConfig()
    redact: RedactConfig = RedactConfig()
    lint: LintConfig = LintConfig()
    history: HistoryConfig = HistoryConfig()


def find_config(start: Path) -> Path | None:
    """The nearest ``.postmortem.toml``, or pyproject.toml with a ``[tool.postmortem]`` table, from ``start`` up."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _tables(pyproject) is not None:
            return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """The settings of ``path``, else of the file found from ``start`` (the working folder) up.

    Defaults when there is no file. A file that cannot be read, is not TOML, or has an unknown
    table, key or bad value is a one-line UsageError naming the file and the setting.
    """
    found = path if path is not None else find_config(start or Path.cwd())
    if found is None:
        return Config()
    tables = _tables(found) or {}
    try:
        config = Config.model_validate(tables)
    except ValidationError as exc:
        raise UsageError(_describe(found, exc)) from None
    return config.model_copy(update={"history": config.history.taken_from(found.parent)})


def _tables(path: Path) -> dict[str, Any] | None:
    """The settings tables of ``path``; ``None`` for a pyproject.toml without ``[tool.postmortem]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    if path.name != PYPROJECT:
        return data
    tables = data.get("tool", {}).get("postmortem")
    if tables is not None and not isinstance(tables, dict):
        raise UsageError(f"{path}: [tool.postmortem] must be a table")
    return tables


def _describe(path: Path, exc: ValidationError) -> str:
    """The first problem of ``exc`` as one line: the file, the table and key, what is wrong."""
    error = exc.errors()[0]
    table, *key = (str(part) for part in error["loc"])
    prefix = "tool.postmortem." if path.name == PYPROJECT else ""
    if not key:
        if error["type"] == "extra_forbidden":
            known = ", ".join(f"[{prefix}{name}]" for name in Config.model_fields)
            return f"{path}: unknown table or setting {prefix}{table!r}; the settings go in {known}"
        return f"{path}: [{prefix}{table}] must be a table"
    if error["type"] == "extra_forbidden" and len(key) == 1:
        known = ", ".join(type(getattr(Config(), table)).model_fields)
        return f"{path}: [{prefix}{table}] unknown setting {key[0]!r} (known: {known})"
    # TOML has arrays, not tuples: say what the user writes.
    message = error["msg"].removeprefix("Value error, ").replace("a valid tuple", "an array")
    return f"{path}: [{prefix}{table}] {'.'.join(key)}: {message}"
