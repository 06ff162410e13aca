"""Reading a case folder: ``sources/`` for the pipeline and ``gold.yaml`` for the scorer.

The gold format is a public contract (others drop their own cases in), so unknown keys are
ignored rather than rejected, and every error names the file and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.models import TimelineKind, UtcDatetime
from postmortem_writer.sources import SourceOptions
from postmortem_writer.timeparse import zone

GOLD_FILE = "gold.yaml"
SOURCES_DIR = "sources"


class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldEntry(_GoldModel):
    """One row of the reference timeline; ``approx`` when the report gives the time loosely."""

    time: UtcDatetime
    event: str = Field(min_length=1)
    kind: TimelineKind
    approx: bool = False


class GoldImpact(_GoldModel):
    start: UtcDatetime | None = None
    end: UtcDatetime | None = None
    figures: list[str] = Field(default_factory=list)


class Gold(_GoldModel):
    """What a good draft of the incident contains, written from the public report."""

    title: str = Field(min_length=1)
    urls: list[str] = Field(min_length=1)
    timeline: list[GoldEntry] = Field(min_length=1)
    contributing_factors: list[str]
    action_items: list[str]
    date: dt.date | None = None
    timezone: str | None = None
    summary: str | None = None
    impact: GoldImpact | None = None
    trigger: str | None = None
    notes: str | None = None
    derived: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zone(value)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value


@dataclass(frozen=True)
class Case:
    """A recorded incident: where its sources are, its gold, and the source options it implies."""

    slug: str
    folder: Path
    gold: Gold

    @property
    def sources(self) -> Path:
        return self.folder / SOURCES_DIR

    def source_options(self) -> SourceOptions:
        """``date``/``timezone`` from gold.yaml as the day and zone of times written without them."""
        tz = zone(self.gold.timezone) if self.gold.timezone else None
        return SourceOptions(tz=tz, date=self.gold.date)


def find_cases(root: Path) -> list[Path]:
    """Case folders under ``root`` (any folder holding a gold.yaml), or ``root`` itself if it is one."""
    if not root.is_dir():
        raise InputError("not a folder of eval cases", path=str(root))
    if (root / GOLD_FILE).is_file():
        return [root]
    folders = sorted(path.parent for path in root.glob(f"*/{GOLD_FILE}"))
    if not folders:
        raise InputError(f"no case folders (<slug>/{GOLD_FILE}) found", path=str(root))
    return folders


def load_case(folder: Path) -> Case:
    """Read and validate a case folder; a broken gold.yaml is one error naming the file and field."""
    gold_path = folder / GOLD_FILE
    if not (folder / SOURCES_DIR).is_dir():
        raise InputError(f"the case has no {SOURCES_DIR}/ folder", path=str(folder))
    try:
        data = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(gold_path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", path=str(gold_path), position=position) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of fields (title, urls, timeline, …)", path=str(gold_path))
    try:
        gold = Gold.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"{message}{_input_hint(first)}", path=str(gold_path), position=_field(first["loc"])) from None
    return Case(slug=folder.name, folder=folder, gold=gold)


def _field(loc: tuple[int | str, ...]) -> str:
    """``timeline[2].time`` from pydantic's ``('timeline', 2, 'time')``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _input_hint(error: Any) -> str:
    value = error.get("input")
    if error.get("type") == "missing" or isinstance(value, dict | list):
        return ""
    return f" (got {value!r})"
