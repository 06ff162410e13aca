"""What the model may answer: the schemas of the map and synthesis calls, grounding included.

Validation is where grounding starts: an evidence id the call was not shown, a quote that is not
in the cited events, or a time the model wrote itself fails validation, and instructor sends the
error back for another try. Entry times are never taken from the model; ``grounding`` derives
them from the cited events afterwards.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema

from postmortem_writer.extract.mentions import unsupported
from postmortem_writer.injection import neutralise
from postmortem_writer.models import Confidence, TimelineKind

Category = Literal["change", "testing", "monitoring", "capacity", "dependency", "process", "communication", "other"]
Metric = Literal["users", "requests", "error_rate", "latency", "revenue", "orders", "other"]

_TIME_KEYS = frozenset({"time", "timestamp", "ts", "date", "datetime", "when", "at"})
_ID = re.compile(r"^E[1-9][0-9]*$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


_NOTES = frozenset({"title", "description", "default"})
"""What pydantic writes into a schema that no grammar enforces; the prompt says it once instead."""
MAX_CITED = 5
"""The most ids one item may cite in a chunk's schema: a moment's evidence, not the whole chunk."""


class LeanSchema(GenerateJsonSchema):
    """JSON schemas holding only what constrains an answer: no titles, descriptions or defaults.

    The schema rides along on every call (in ``response_format``, a tool, or the prompt); the
    instructions explain the fields once. Only the top title stays: it names the tool or format.
    """

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        """The schema pydantic generates, with ``_NOTES`` left out everywhere below the top."""
        generated = super().generate(schema, mode)
        title = generated.get("title")
        _strip(generated)
        return {"title": title, **generated} if title else generated


def _strip(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _strip(item)
    elif isinstance(node, dict):
        for key in _NOTES & node.keys():
            del node[key]
        if "enum" in node:
            node.pop("type", None)  # the values say it
        for key, value in node.items():
            # Under these keys the names are fields and definitions ("description" is a field): keep them.
            for child in value.values() if key in ("properties", "$defs") else (value,):
                _strip(child)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = None,
        ref_template: str = DEFAULT_REF_TEMPLATE,
        schema_generator: type[GenerateJsonSchema] = LeanSchema,
        mode: JsonSchemaMode = "validation",
        *,
        union_format: Literal["any_of", "primitive_type_array"] = "any_of",
    ) -> dict[str, Any]:
        """The answer's schema, lean (``LeanSchema``) unless another generator is asked for."""
        return super().model_json_schema(by_alias, ref_template, schema_generator, mode, union_format=union_format)


class _Grounded(_Answer):
    evidence: list[str] = Field(
        min_length=1, description="ids of the events that show this, earliest first, e.g. ['E12', 'E15']"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_times(cls, data: Any) -> Any:
        if isinstance(data, dict) and (written := sorted(_TIME_KEYS & set(data))):
            raise ValueError(
                f"remove {', '.join(written)}: do not write times; they are taken from the events you cite"
            )
        return data

    @field_validator("evidence", mode="after")
    @classmethod
    def _known_ids(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = [item.strip().upper() for item in value]
        malformed = [item for item in ids if not _ID.match(item)]
        if malformed:
            raise ValueError(f"{', '.join(malformed)}: evidence must be event ids such as E12")
        allowed = (info.context or {}).get("event_ids")
        if allowed is not None:
            unknown = [item for item in ids if item not in allowed]
            if unknown:
                raise ValueError(f"{', '.join(unknown)} not among the event ids in the data; cite only ids shown there")
        return list(dict.fromkeys(ids))

    @model_validator(mode="after")
    def _times_from_evidence(self, info: ValidationInfo) -> Any:
        # Every time, date and duration in the wording must be one the cited events show (their
        # words, their timestamps, or the time between two of them): "at 03:00 the database was
        # dropped" or "lasted 9 hours" is something the model wrote, even on a real id.
        context = info.context or {}
        moments: dict[str, datetime] | None = context.get("moments")
        if moments is None:
            return self
        texts: dict[str, str] = context.get("texts", {})
        cited_texts = [texts[i] for i in self.evidence if i in texts]
        cited_moments = [moments[i] for i in self.evidence if i in moments]
        missing: dict[str, list[str]] = {}
        for name, value in self:
            if name != "quote" and isinstance(value, str):
                for mention in unsupported(value, cited_texts, cited_moments):
                    # A clock as HH:MM, as the events' minutes are shown; other kinds as written.
                    shown = str(mention.readings[0]) if mention.kind == "time" else mention.written
                    missing.setdefault(mention.kind, []).append(shown)
        if missing:
            problems = [
                f"{', '.join(dict.fromkeys(missing[kind]))} {_NOT_SHOWN[kind]}"
                for kind in _NOT_SHOWN
                if kind in missing
            ]
            raise ValueError(
                f"{'; '.join(problems)}: do not write times, dates or durations the cited events do not show; "
                "times are taken from the events you cite"
            )
        return self


_NOT_SHOWN = {
    "time": "is not a time the cited events show",
    "date": "is not a date the cited events show",
    "duration": "is not a duration the cited events state or span",
}


class _MaybeGrounded(_Grounded):
    evidence: list[str] = Field(default_factory=list, description="ids of the events behind this, if any")


class TimelineCandidate(_Grounded):
    """A moment in the incident, in one short past-tense sentence."""

    kind: TimelineKind
    description: str = Field(min_length=3)


class FactorCandidate(_Grounded):
    """A condition that made the incident possible, worse or longer."""

    title: str = Field(min_length=3)
    description: str
    category: Category = "other"


class ActionCandidate(_Grounded):
    """A follow-up someone proposed or took on."""

    description: str = Field(min_length=3)
    owner: str | None = Field(default=None, description="the person or team the events name as owner, else null")


class ImpactClue(_Grounded):
    """A figure the events state, quoted exactly."""

    metric: Metric
    value: str = Field(description="the figure as stated, e.g. '38%' or '1,200 orders'")
    quote: str = Field(description="the exact words of the cited event that state the figure")

    @model_validator(mode="after")
    def _quoted(self, info: ValidationInfo) -> ImpactClue:
        texts: dict[str, str] = (info.context or {}).get("texts", {})
        if texts and not any(_squash(self.quote) in _squash(texts.get(i, "")) for i in self.evidence):
            raise ValueError(f"quote {self.quote!r} is not in the cited events' text; quote their words exactly")
        # The figure itself must be the quote's: a true quote must not carry an invented value.
        stated = _numbers(self.value)
        if (stated and not stated <= _numbers(self.quote)) or (
            not stated and _squash(self.value) not in _squash(self.quote)
        ):
            raise ValueError(f"value {self.value!r} is not stated in the quote; give the figure as the quote states it")
        return self


class QuestionCandidate(_MaybeGrounded):
    """Something the review must settle."""

    question: str = Field(min_length=3)


class ChunkFindings(_Answer):
    """Everything one chunk of events shows (an empty list when it shows nothing of a kind)."""

    timeline: list[TimelineCandidate] = Field(default_factory=list)
    factors: list[FactorCandidate] = Field(default_factory=list)
    action_items: list[ActionCandidate] = Field(default_factory=list)
    impact: list[ImpactClue] = Field(default_factory=list)
    questions: list[QuestionCandidate] = Field(default_factory=list)


class Statement(_Grounded):
    """One or two sentences and the events behind them."""

    text: str = Field(min_length=3)


class SynthesisFactor(FactorCandidate):
    """A contributing factor with how strongly the evidence supports it."""

    confidence: Confidence = Confidence.LOW


class Synthesis(_Answer):
    """The analysis sections of the draft."""

    summary: list[Statement] = Field(min_length=1, max_length=5)
    trigger: list[Statement] = Field(default_factory=list)
    contributing_factors: list[SynthesisFactor] = Field(default_factory=list)
    went_well: list[Statement] = Field(default_factory=list)
    went_wrong: list[Statement] = Field(default_factory=list)
    lucky: list[Statement] = Field(default_factory=list)
    lessons: list[Statement] = Field(default_factory=list)
    action_items: list[ActionCandidate] = Field(default_factory=list)
    open_questions: list[QuestionCandidate] = Field(default_factory=list)


def _numbers(text: str) -> set[str]:
    return {number.replace(",", "") for number in _NUMBER.findall(text)}


def _squash(text: str) -> str:
    # The model read the text as ``data_block`` shows it, so both sides are compared that way.
    return " ".join(neutralise(text).casefold().split())


AnswerT = TypeVar("AnswerT", bound=_Answer)


def grounded(model: type[AnswerT], ids: tuple[str, ...]) -> type[AnswerT]:
    """``model`` (``ChunkFindings`` or ``Synthesis``) with a schema that lets each item cite only
    ``ids``, at most ``MAX_CITED`` of them.

    For a decoder constrained to the schema (a grammar), which then cannot write anything but one
    of those ids as evidence. Validation is ``model``'s own, grounding included: the enum helps
    the decoder, it does not replace the check. Built once per ids, and the same ids give the same
    schema, so a re-run's requests hash alike and the answer cache still hits.
    """
    return cast(type[AnswerT], _grounded(model, ids))


@lru_cache(maxsize=1024)
def _grounded(model: type[_Answer], ids: tuple[str, ...]) -> type[_Answer]:
    schema = model.model_json_schema()
    definitions = schema["$defs"]
    for definition in definitions.values():
        properties = definition.get("properties", {})
        if "evidence" in properties:
            # One definition for the items that must cite, rather than the same schema in each.
            cites = {"$ref": "#/$defs/Evidence"} if properties.pop("evidence").get("minItems") else _evidence()
            # Last: a grammar writes the properties in order, and an item's ids chosen after its
            # words fit them (chosen first, a small model takes the enum's first ids).
            definition["properties"] = {**properties, "evidence": cites}
            if "evidence" in definition.get("required", ()):
                definition["required"] = [*(name for name in definition["required"] if name != "evidence"), "evidence"]
    definitions.update(Evidence=_evidence(minItems=1), EventId={"enum": list(ids)})
    frozen = json.dumps(schema)

    class Grounded(model):  # type: ignore[valid-type,misc]
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            # Built above, whatever is asked: a grounded schema is this one or none.
            loaded: dict[str, Any] = json.loads(frozen)
            return loaded

    # The format's or tool's name the endpoint sees, as for the generic schema.
    Grounded.__name__ = Grounded.__qualname__ = model.__name__
    return Grounded


def _evidence(**bounds: int) -> dict[str, Any]:
    return {"items": {"$ref": "#/$defs/EventId"}, **bounds, "maxItems": MAX_CITED, "type": "array"}
