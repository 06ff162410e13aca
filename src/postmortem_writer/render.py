"""Rendering a ``Draft`` as Markdown (jinja2, from ``templates/``) or as JSON."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import jinja2

from postmortem_writer.errors import InternalError, UserError
from postmortem_writer.escape import markdown_block, markdown_cell, markdown_code, markdown_text
from postmortem_writer.extract.digest import LeftOut, digest
from postmortem_writer.models import Draft, Event
from postmortem_writer.resources import templates_dir
from postmortem_writer.sections import SECTIONS
from postmortem_writer.text import trim

DEFAULT_TEMPLATE = "postmortem.md.j2"
_CELL_LIMIT = 280


@dataclass(frozen=True)
class RenderContext:
    """Facts about the draft that the template shows but that are not part of the ``Draft``."""

    event_count: int
    multi_day: bool
    time_header: str
    window: str
    responders: str
    left_out: dict[str, str]
    times: dict[str, datetime]  # each indexed event's time, for rows that show when a cited message was sent
    picture: list[str]  # the Mermaid gantt chart's lines; empty without cited events


@dataclass(frozen=True)
class ReviewNote:
    """Who reviewed a draft and when: it replaces the DRAFT banner of a reviewed postmortem."""

    reviewer: str
    date: str


def render_json(draft: Draft) -> str:
    """The draft as indented JSON (the public interface other tools read)."""
    return draft.model_dump_json(indent=2) + "\n"


def render_markdown(
    draft: Draft,
    *,
    event_count: int,
    template: Path | None = None,
    full: bool = False,
    review: ReviewNote | None = None,
    digested: LeftOut | None = None,
) -> str:
    """The draft as a Markdown postmortem, with the built-in template or the user's own.

    Long lists are folded and capped (``extract.digest``) unless ``full``; each section says what it
    left out, and the JSON draft keeps everything. With ``digested``, ``draft`` is a digest already
    and this is what it left out. With ``review``, the postmortem as reviewed (its note in place of
    the DRAFT banner).
    """
    if digested is not None:
        shown, left = draft, digested
    else:
        shown, left = (draft, LeftOut()) if full else digest(draft)
    env = _environment(template.parent if template else templates_dir(), {e.id: e.text for e in shown.evidence_index})
    name = template.name if template else DEFAULT_TEMPLATE
    try:
        compiled = env.get_template(name)
        context = _context(shown, event_count, left)
        text = compiled.render(draft=shown, ctx=context, sections=SECTIONS, review=review)
    except jinja2.TemplateNotFound:
        if template is not None:
            raise UserError(f"{template}: template not found") from None
        raise InternalError(f"built-in template {name} is missing; reinstall postmortem-writer") from None
    except jinja2.TemplateError as exc:
        where = f"{template or name}:{getattr(exc, 'lineno', '?')}"
        raise UserError(f"{where}: template error: {exc.message}") from None
    return text.rstrip() + "\n"


def _environment(folder: Path, texts: dict[str, str]) -> jinja2.Environment:
    """The template environment; ``texts`` (the indexed events' words by id) back the URLs a
    statement may show as links."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        # Markdown, not HTML: every value goes through one of the `escape` filters below instead.
        autoescape=False,
        keep_trailing_newline=True,
    )

    def backed(escape: Callable[[str, Iterable[str] | None], str]) -> Callable[..., str]:
        # Without evidence ids the value is source text (shown as written, escaped); with them,
        # a statement whose URLs must be found in the events it cites.
        def apply(text: object, evidence: Iterable[str] | None = None) -> str:
            backing = None if evidence is None else [texts[i] for i in evidence if i in texts]
            return escape(str(text), backing)

        return apply

    env.filters["anchor"] = anchor
    env.filters["cell"] = backed(markdown_cell)
    env.filters["text"] = backed(markdown_text)
    env.filters["block"] = backed(markdown_block)
    env.filters["code"] = markdown_code
    env.filters["truncate_cell"] = lambda text: markdown_cell(trim(str(text), _CELL_LIMIT))
    env.filters["when"] = when
    return env


_LISTED = {
    "figures": "impact figures",
    "timeline": "timeline rows",
    "contributing_factors": "candidate factors",
    "action_items": "action items",
    "communications": "communication log rows",
    "graphs": "monitoring links",
}


def _left_out(left: LeftOut) -> dict[str, str]:
    """A sentence per list saying what the digest does not show, and where to find it."""
    notes = {}
    for name, noun in _LISTED.items():
        total = left.total(name)
        if total:
            why = []
            if left.folded.get(name):
                why.append(f"{left.folded[name]} near-duplicates folded")
            if left.capped.get(name):
                why.append(f"{left.capped[name]} lower-ranked left out")
            notes[name] = (
                f"{total} more {noun} not shown ({', '.join(why)}); "
                "the JSON draft (`--format json`) lists them all, and `--all` renders every one."
            )
    return notes


def _context(draft: Draft, event_count: int, left: LeftOut) -> RenderContext:
    times = [entry.time for entry in draft.timeline] + [event.ts for event in draft.evidence_index]
    multi_day = len({moment.date() for moment in times}) > 1
    return RenderContext(
        event_count=event_count,
        multi_day=multi_day,
        time_header="Date and time (UTC)" if multi_day else "Time (UTC)",
        window=_window(draft),
        responders=", ".join(f"{r.name} ({', '.join(r.roles)})" if r.roles else r.name for r in draft.responders),
        left_out=_left_out(left),
        times={event.id: event.ts for event in draft.evidence_index},
        picture=mermaid_picture(draft),
    )


def _window(draft: Draft) -> str:
    start, end = draft.impact.start, draft.impact.end
    if start is None and end is None:
        return "TODO(author): start and end unknown"
    first = start.strftime("%Y-%m-%d %H:%M:%S") if start else "TODO(author)"
    if end is None:
        return f"{first} → TODO(author)"
    same_day = start is not None and start.date() == end.date()
    last = end.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M:%S")
    duration = f" ({_duration(draft.impact.duration_minutes)})" if draft.impact.duration_minutes is not None else ""
    return f"{first} → {last}{duration}"


def _duration(minutes: float) -> str:
    whole = round(minutes)
    hours, mins = divmod(whole, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


_OPENS = {"alert.firing", "page.triggered"}
_CLOSES = {"alert.resolved", "page.resolved"}
_MARKERS = {"rollback": "rollback", "deploy": "deploy", "config.change": "deploy"}


def lane(event: Event) -> str:
    """The incident picture's lane of an event: its chat channel, else its source file's name."""
    name = event.meta.get("channel")
    if isinstance(name, str) and name:
        return "#" + name
    return event.source.rsplit("/", 1)[-1]


def marker(event: Event) -> str:
    """How the picture marks an event: deploy, rollback, or its source kind (chat, page, alert…)."""
    return _MARKERS.get(event.signal.value if event.signal else "", event.kind.value)


def firing_spans(events: Iterable[Event]) -> list[tuple[Event, Event | None]]:
    """Alerts and pages from firing to resolution in each lane, the earliest open one closing
    first; ``None`` where the sources show no resolution."""
    spans: list[tuple[Event, Event | None]] = []
    open_: dict[str, list[int]] = defaultdict(list)
    for event in events:
        signal = event.signal.value if event.signal else ""
        if signal in _OPENS:
            open_[lane(event)].append(len(spans))
            spans.append((event, None))
        elif signal in _CLOSES and open_[lane(event)]:
            index = open_[lane(event)].pop(0)
            spans[index] = (spans[index][0], event)
    return spans


_MERMAID_UNSAFE = re.compile(r"[^\w .,()/+\-]+")


def mermaid_text(value: str, limit: int = 60) -> str:
    """``value`` as Mermaid label text: letters, digits, spaces and ``.,()/+-_`` only, so no
    source text can end the label, start a directive or comment, or close the code fence."""
    return trim(" ".join(_MERMAID_UNSAFE.sub(" ", value).split()), limit)


def mermaid_picture(draft: Draft) -> list[str]:
    """The incident picture as the lines of a Mermaid gantt chart (GitHub and GitLab draw it):
    the incident window, then one section per source with pages and alerts as firing spans,
    deploys and rollbacks as milestones, and each channel's cited chat as one span."""
    events = draft.evidence_index
    if not events:
        return []
    stamp = "%Y-%m-%d %H:%M:%S"
    last = max(e.ts for e in events)
    lines = ["gantt", "    dateFormat YYYY-MM-DD HH:mm:ss", "    axisFormat %H:%M"]
    if draft.impact.start is not None:
        end = draft.impact.end or last
        lines += ["    section incident", f"    window :active, {draft.impact.start:{stamp}}, {end:{stamp}}"]
    spans = firing_spans(events)
    lanes: dict[str, list[str]] = {}
    for event in events:
        lanes.setdefault(lane(event), [])
    for start, stop in spans:
        until = stop.ts if stop is not None else draft.impact.end or last
        label = mermaid_text(f"{start.id} firing {start.text}")
        lanes[lane(start)].append(f"    {label} :crit, {start.ts:{stamp}}, {until:{stamp}}")
    chats: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        kind = marker(event)
        if kind in ("deploy", "rollback"):
            label = mermaid_text(f"{event.id} {kind} {event.text}")
            lanes[lane(event)].append(f"    {label} :milestone, {event.ts:{stamp}}, 1m")
        elif kind == "chat":
            chats[lane(event)].append(event)
    for name, said in chats.items():
        label = mermaid_text(f"{said[0].id} to {said[-1].id} {len(said)} cited messages")
        lanes[name].append(
            f"    {label} :{said[0].ts:{stamp}}, {max(said[-1].ts, said[0].ts + timedelta(minutes=1)):{stamp}}"
        )
    for name, tasks in lanes.items():
        if tasks:
            lines += [f"    section {mermaid_text(name, 40) or 'source'}", *tasks]
    return lines


def anchor(event_id: str) -> str:
    """The HTML anchor of an event in the evidence index."""
    return f"ev-{event_id.lower()}"


def when(moment: datetime, multi_day: bool) -> str:
    """A UTC time for a table: with the date when the incident spans several days."""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if multi_day else "%H:%M:%S")
