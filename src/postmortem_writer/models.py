"""Core types handed from stage to stage (pydantic v2; JSON round-trips losslessly).

These models are a public interface: ``postmortem ingest --format jsonl`` prints ``Event``s and
``postmortem draft --format json`` prints a ``Draft``, and other tools (the eval harness among
them) read both. Rename nothing here without a major version bump.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, PlainSerializer, computed_field

from postmortem_writer.sections import SECTIONS


def _to_utc(value: datetime) -> datetime:
    # Adapters hand on times already in UTC (timeparse), so most values take this branch: the
    # ``UTC`` singleton's offset is always zero, and astimezone(UTC) would return them unchanged.
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp has no time zone")
    return value.astimezone(UTC)


def _iso_utc(value: datetime) -> str:
    # Always six fraction digits and "Z", so that ISO strings sort in time order as text.
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc), PlainSerializer(_iso_utc, when_used="json")]
"""An aware datetime normalised to UTC (naive datetimes are rejected), written as ``…:SS.ffffffZ``."""

EventId = Annotated[str, Field(pattern=r"^E[1-9][0-9]*$")]


def event_number(event_id: str) -> int:
    """The number in an event id (``E12`` -> 12), for ordering ids as the stream numbered them; 0 if none."""
    digits = event_id[1:]
    return int(digits) if digits.isdigit() else 0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)


class SourceKind(StrEnum):
    """What kind of tool a source came from."""

    CHAT = "chat"
    ALERT = "alert"
    PAGE = "page"
    DEPLOY = "deploy"
    STATUS = "status"
    OTHER = "other"


class ActorKind(StrEnum):
    """Who wrote an event: a person, a bot/integration, or the platform itself."""

    HUMAN = "human"
    BOT = "bot"
    SYSTEM = "system"


class Signal(StrEnum):
    """What a structured event means, as its source states it (not guessed from prose)."""

    ALERT_FIRING = "alert.firing"
    ALERT_RESOLVED = "alert.resolved"
    PAGE_TRIGGERED = "page.triggered"
    PAGE_ASSIGNED = "page.assigned"
    PAGE_NOTIFIED = "page.notified"
    PAGE_ACKNOWLEDGED = "page.acknowledged"
    PAGE_ESCALATED = "page.escalated"
    PAGE_NOTE = "page.note"
    PAGE_RESOLVED = "page.resolved"
    DEPLOY = "deploy"
    ROLLBACK = "rollback"
    CONFIG_CHANGE = "config.change"
    # A commit or a CI run is not a shipped change: citable evidence, never a timeline row by itself.
    COMMIT = "commit"
    BUILD = "build"
    TOPIC = "chat.topic"


class Event(_Model):
    """One thing that happened, as one source recorded it.

    Adapters fill everything but ``id`` and ``thread``; ``EventStream`` assigns both.
    """

    id: str = ""
    ts: UtcDatetime
    source: str = Field(description="the file (or archive member) the event was read from")
    format: str = Field(description="the adapter that read it, e.g. 'slack-export'")
    kind: SourceKind
    ref: str = Field(description="where in the file: 'line 12', 'record 3', 'ts 1741079942.590465'")
    actor: str
    actor_kind: ActorKind = ActorKind.HUMAN
    text: str
    signal: Signal | None = None
    native_id: str | None = Field(default=None, description="the source's own id for this event")
    parent_native_id: str | None = Field(default=None, description="the source's id of the thread parent")
    thread: str | None = Field(default=None, description="event id of the thread parent, if it was read")
    edited: bool = False
    meta: dict[str, JsonValue] = Field(default_factory=dict)


class TimelineKind(StrEnum):
    """The role an entry plays in the incident's story."""

    TRIGGER = "trigger"
    CHANGE = "change"
    DETECTION = "detection"
    ESCALATION = "escalation"
    DIAGNOSIS = "diagnosis"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    COMMUNICATION = "communication"
    DECISION = "decision"
    OTHER = "other"


class Cited(_Model):
    """A statement and the events that support it (empty evidence = a question for the author)."""

    text: str
    evidence: list[EventId] = Field(default_factory=list)


class TimelineEntry(_Model):
    """One row of the timeline; ``time`` is always the earliest cited event's time."""

    time: UtcDatetime
    kind: TimelineKind
    description: str
    evidence: list[EventId] = Field(min_length=1)


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ContributingFactor(_Model):
    """A candidate contributing factor; a human confirms or drops it in the review."""

    title: str
    description: str
    category: str = Field(
        description="change, testing, monitoring, capacity, dependency, process, communication, other"
    )
    evidence: list[EventId] = Field(min_length=1)
    confidence: Confidence = Confidence.LOW
    candidate: bool = True


class ImpactFigure(_Model):
    """A figure the sources state (never computed or guessed)."""

    metric: str = Field(description="users, requests, error_rate, latency, revenue, orders, other")
    value: str
    quote: str
    evidence: list[EventId] = Field(min_length=1)


class Impact(_Model):
    """The incident window and the impact the sources state; ``unknowns`` are for the author."""

    # The JSON carries the derived duration for readers; reading it back must not trip "forbid".
    model_config = ConfigDict(extra="ignore")

    start: UtcDatetime | None = None
    end: UtcDatetime | None = None
    start_evidence: list[EventId] = Field(default_factory=list)
    end_evidence: list[EventId] = Field(default_factory=list)
    figures: list[ImpactFigure] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_minutes(self) -> float | None:
        """Minutes from first detection to resolution, when both are known."""
        if self.start is None or self.end is None:
            return None
        return round((self.end - self.start).total_seconds() / 60, 1)


class ActionKind(StrEnum):
    """What an action item does about the class of incident (the Prevention section reads it)."""

    PREVENTION = "prevention"  # stops the fault from reaching production again
    DETECTION = "detection"  # finds it sooner
    MITIGATION = "mitigation"  # limits its impact or shortens recovery
    PROCESS = "process"  # changes how people work: reviews, on-call, runbooks, comms


class ActionItem(_Model):
    """A follow-up someone committed to or suggested in the sources."""

    description: str
    owner: str = "TBD"
    priority: str = "TBD"
    due: str = "TBD"
    status: str = "Open"
    kind: ActionKind | None = Field(default=None, description="prevention, detection, mitigation or process")
    evidence: list[EventId] = Field(default_factory=list)


class Link(_Model):
    """A dashboard, panel or image a source shared, with the message that shared it."""

    url: str = Field(description="the address as the message gave it; empty for an attachment without one")
    tool: str = Field(description="grafana, datadog, cloudwatch, or image for an attached picture")
    name: str = Field(default="", description="the attachment's file name, where the export has it")
    text: str = Field(description="the message that shared it")
    evidence: list[EventId] = Field(min_length=1)


class RelatedIncident(_Model):
    """An earlier postmortem from the history that shares something with this incident."""

    text: str = Field(description="why it is related, in one sentence")
    title: str
    date: str | None = None
    path: str = Field(description="where the earlier postmortem is, as the history folder names it")
    reasons: list[str] = Field(default_factory=list, description='"service checkout-service", "factor change", …')
    past_actions: list[str] = Field(default_factory=list, description="its action items meant to prevent this")
    recurring: list[str] = Field(
        default_factory=list, description="titles of this incident's contributing factors the earlier one had too"
    )
    score: float = Field(default=0.0, description="the search index's ranking score")
    evidence: list[EventId] = Field(default_factory=list, description="this incident's events that share the reasons")


class Responder(_Model):
    """A person who took part, with the roles the sources show."""

    name: str
    roles: list[str] = Field(default_factory=list)
    evidence: list[EventId] = Field(default_factory=list)


class InputFile(_Model):
    """One input as read: where, what format, how many events, and a content hash."""

    path: str
    format: str
    sha256: str
    events: int
    skipped: int = 0  # malformed records left out, each reported as a warning
    dropped: dict[str, int] = Field(default_factory=dict)  # format noise left out (joins, deletions), by reason


class Severity(StrEnum):
    """How loud a lint finding is, quietest first (the order ``--fail-level`` compares)."""

    SUGGESTION = "suggestion"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for suggestion, 1 for warning, 2 for error."""
        return list(Severity).index(self)


class Finding(_Model):
    """One lint finding: which rule, where (1-based line/column and 0-based character span), why, what to do."""

    rule_id: str = Field(description="e.g. blame.counterfactual or structure.action_item_owner")
    category: str
    severity: Severity
    message: str
    path: str = Field(description="the linted file, '-' for stdin, or the draft field, e.g. timeline[3]")
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = Field(description="character offset of the match in the linted text")
    end: int
    match: str
    sentence: str = ""
    section: str = ""
    suggestions: list[str] = Field(default_factory=list, description="templates for a rewording, not rewrites")
    link: str = ""
    source: str = "lexicon"
    rewrite: str | None = Field(
        default=None,
        description="in a draft: a verified rewrite of the whole sentence (it lints clean and keeps every time, "
        "number, identifier and system name), where one exists",
    )


class Provenance(_Model):
    """How a draft was made, so a reader can reproduce or distrust it."""

    tool_version: str
    extractor: str  # "llm" only when at least one model answer was used
    model: str | None = None
    endpoint: str | None = None  # host only; keys never leave the process
    mode: str | None = None
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    inputs: list[InputFile] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    calls: int = 0
    cached_calls: int = 0
    latency_ms: int = 0  # summed over the calls; they overlap, so this exceeds the wall time
    call_log: str | None = None
    # Distinct values replaced by placeholders before extraction, by kind ("secret": 2, "person": 5).
    redacted: dict[str, int] = Field(default_factory=dict)
    rehydrated: bool = False  # the placeholders' values were put back into this draft
    # Messages left out of the analysis because they address the drafting tool (prompt injection).
    withheld: list[EventId] = Field(default_factory=list)
    # Why a run with a model drafted from the rules alone: every model call failed.
    fallback: str | None = None


class Gap(_Model):
    """Events the model could not analyse; the draft says so instead of pretending to cover them.

    ``first`` and ``last`` count as cited, so the reader finds both in the evidence index.
    """

    first: EventId
    last: EventId
    events: int
    reason: str
    fallback: str = Field(description="what the draft shows for these events instead")


class Draft(_Model):
    """A postmortem first draft: every claim cites event ids listed in ``evidence_index``."""

    schema_version: int = 1
    title: str
    status: str = "Draft"
    authors: list[str] = Field(default_factory=list, description="who writes the postmortem (--author)")
    severity: Cited | None = Field(default=None, description='the severity the sources state, e.g. "SEV2"')
    summary: list[Cited] = Field(default_factory=list)
    impact: Impact = Field(default_factory=Impact)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    trigger: list[Cited] = Field(default_factory=list)
    contributing_factors: list[ContributingFactor] = Field(default_factory=list)
    went_well: list[Cited] = Field(default_factory=list)
    went_wrong: list[Cited] = Field(default_factory=list)
    lucky: list[Cited] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    prevention: list[Cited] = Field(default_factory=list)
    lessons: list[Cited] = Field(default_factory=list)
    open_questions: list[Cited] = Field(default_factory=list)
    related_incidents: list[RelatedIncident] = Field(default_factory=list)
    communications: list[Cited] = Field(
        default_factory=list, description="status-page updates and customer-facing messages, in order"
    )
    graphs: list[Link] = Field(default_factory=list, description="dashboards and panels the sources shared")
    responders: list[Responder] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    evidence_index: list[Event] = Field(default_factory=list)
    blame_findings: list[Finding] = Field(
        default_factory=list, description="what `postmortem lint` found in the draft's own wording"
    )
    provenance: Provenance

    def cited_ids(self) -> set[str]:
        """Every event id any part of the draft cites."""
        ids: set[str] = set(self.impact.start_evidence) | set(self.impact.end_evidence)
        if self.severity is not None:
            ids.update(self.severity.evidence)
        ids.update(event_id for gap in self.gaps for event_id in (gap.first, gap.last))
        for item in self.responders:
            ids.update(item.evidence)
        for section in SECTIONS:
            for item in section.items(self):
                ids.update(item.evidence)
        return ids
