"""The review: a self-contained HTML page where every claim sits beside its evidence, and the
reviewer's decisions (``review.json``) folded back into a draft.

The page is one file with no request of its own: its style and script are inline, allowed by
their sha256 hashes in a Content-Security-Policy that forbids everything else, and every text
from the sources or a model goes through jinja2's HTML autoescape. Sections come from
``sections.SECTIONS`` generically, so a new section shows up without a change here. The events
shown are the cited ones and their neighbours in the same channel (from the sources when given,
else from the draft's evidence index), never the whole export.

A claim is one item of a section's cited list, keyed by its path in the draft
(``contributing_factors[1]``, the same path a blame finding names). A decision accepts, edits or
rejects it; ``apply_review`` matches decisions to claims by their original wording, so a re-draft
keeps the decisions for the claims that still stand and lists the others.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from postmortem_writer.errors import InputError, InternalError
from postmortem_writer.escape import markdown_block, markdown_cell, markdown_text
from postmortem_writer.extract.digest import LeftOut, digest
from postmortem_writer.models import Draft, Event, Finding
from postmortem_writer.render import ReviewNote, firing_spans, lane, marker, render_json, render_markdown, when
from postmortem_writer.resources import templates_dir
from postmortem_writer.sections import SECTIONS, Section

_M = TypeVar("_M", bound=BaseModel)
PAGE_TEMPLATE = "review.html.j2"
NEIGHBOURS = 3
"""Messages of the same channel shown before and after each cited event."""

# Fields a reviewer may edit beyond the section's wording, by section field.
_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {"action_items": ("owner", "due", "priority")}


class Action(StrEnum):
    """What the reviewer decided about a claim."""

    ACCEPT = "accept"
    EDIT = "edit"  # accepted with the fields changed
    REJECT = "reject"


class Decision(BaseModel):
    """One claim's decision, with the claim as it was when decided (to find it again after a re-draft)."""

    model_config = ConfigDict(extra="forbid")

    section: str
    action: Action
    original: dict[str, str] = Field(description="the claim's editable fields as the draft had them")
    evidence: list[str] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict, description="edited values, by field")
    reworded: bool = False


class Review(BaseModel):
    """What ``review.json`` holds: who reviewed which draft, and a decision per claim key."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    draft_sha256: str
    reviewer: str = ""
    reviewed_at: str = ""
    decisions: dict[str, Decision] = Field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """One item of a section's cited list, with the fields a reviewer may edit."""

    key: str
    section: Section
    index: int
    item: Any
    fields: dict[str, str]

    @property
    def evidence(self) -> list[str]:
        """The event ids the claim cites."""
        return list(self.item.evidence)


def claims(draft: Draft) -> list[Claim]:
    """Every claim of the draft, section by section in the table's order."""
    found = []
    for section in SECTIONS:
        names = section.texts + _EXTRA_FIELDS.get(section.field, ())
        for index, item in enumerate(section.items(draft)):
            values = {name: str(getattr(item, name)) for name in names}
            found.append(Claim(f"{section.cited}[{index}]", section, index, item, values))
    return found


def unshared(draft: Draft) -> Draft:
    """A copy of ``draft`` in which no two places hold the same item: an extractor may put one
    ``Cited`` in two sections, and a decision on one claim must not change the other."""
    return Draft.model_validate_json(draft.model_dump_json())


def draft_hash(draft: Draft) -> str:
    """The sha256 of the draft's JSON: what a review is keyed by."""
    return hashlib.sha256(render_json(draft).encode()).hexdigest()


def read_review(path: str, text: str) -> Review:
    """A ``review.json`` read and checked; a bad one is one error line naming the file and the spot."""
    return _validated(Review, path, text)


def read_draft(path: str, text: str) -> Draft:
    """A draft written by ``postmortem draft --format json``, checked the same way."""
    return _validated(Draft, path, text)


def _validated(model: type[_M], path: str, text: str) -> _M:
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        raise InputError(f"{where}: {error['msg']}", path=path) from None


def reviewed_markdown(draft: Draft, review: Review, *, event_count: int, today: str) -> tuple[str, Applied]:
    """The reviewed postmortem in Markdown, as the page's "Download Markdown" writes it: the review
    applied to the claims the draft shows (its digest), "Reviewed by" in place of the DRAFT banner."""
    shown, left = digest(draft)
    applied = apply_review(shown, review)
    note = ReviewNote(review.reviewer or "TODO(author)", review.reviewed_at or today)
    return render_markdown(applied.draft, event_count=event_count, review=note, digested=left), applied


@dataclass
class Applied:
    """A draft with a review folded in, and the decisions whose claims no longer stand."""

    draft: Draft
    kept: int = 0
    stale: list[str] = field(default_factory=list)


def apply_review(draft: Draft, review: Review) -> Applied:
    """``draft`` with the review's decisions applied: edits made, rejected claims gone, accepted
    factors no longer candidates. A decision is matched to the claim with its key and original
    wording, else to a claim of the same section with that wording; the rest are ``stale``."""
    reviewed = unshared(draft)
    by_key = {claim.key: claim for claim in claims(reviewed)}
    taken: dict[str, Decision] = {}
    result = Applied(reviewed)
    for key, decision in review.decisions.items():
        claim = by_key.get(key)
        if claim is None or claim.fields != decision.original or claim.key in taken:
            claim = next(
                (
                    c
                    for c in by_key.values()
                    if c.section.field == decision.section and c.fields == decision.original and c.key not in taken
                ),
                None,
            )
        if claim is None:
            summary = "; ".join(decision.original.values()) or ", ".join(decision.evidence)
            result.stale.append(f"{key} ({decision.action.value}): {summary}")
            continue
        taken[claim.key] = decision
    result.kept = len(taken)
    reviewed.blame_findings = _findings_left(reviewed, taken)
    for claim in by_key.values():
        made = taken.get(claim.key)
        if made is None or made.action is Action.REJECT:
            continue
        for name, value in made.fields.items():
            if name in claim.fields:
                setattr(claim.item, name, value)
        if hasattr(claim.item, "candidate"):
            claim.item.candidate = False
    for section in SECTIONS:
        items = section.items(reviewed)
        rejected = {i for i, _ in enumerate(items) if _decided(taken, section, i) is Action.REJECT}
        if rejected:
            _set_items(reviewed, section, [item for i, item in enumerate(items) if i not in rejected])
    return result


def _decided(taken: dict[str, Decision], section: Section, index: int) -> Action | None:
    decision = taken.get(f"{section.cited}[{index}]")
    return decision.action if decision else None


def _set_items(draft: Draft, section: Section, items: list[Any]) -> None:
    *parents, name = section.cited.split(".")
    owner: Any = draft
    for part in parents:
        owner = getattr(owner, part)
    setattr(owner, name, items)


def _findings_left(draft: Draft, taken: dict[str, Decision]) -> list[Finding]:
    """The draft's blame findings on claims the reviewer left as they were, their paths renumbered
    past the rejected claims before them. An edited claim's wording is the reviewer's own."""
    rejected: dict[str, list[int]] = defaultdict(list)
    for key, decision in taken.items():
        if decision.action is Action.REJECT:
            name, _, number = key.partition("[")
            rejected[name].append(int(number.rstrip("]")))
    left = []
    for finding in draft.blame_findings:
        made = taken.get(finding.path)
        if made is not None and made.action is not Action.ACCEPT:
            continue
        match = re.fullmatch(r"(?P<name>[a-z_.]+)\[(?P<index>\d+)\]", finding.path)
        path = finding.path
        if match is not None:
            index = int(match["index"])
            path = f"{match['name']}[{index - sum(1 for i in rejected[match['name']] if i < index)}]"
        left.append(finding.model_copy(update={"path": path}))
    return left


# --- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """A run of consecutive messages of one channel (or source) holding cited events and the
    neighbours around them; overlapping neighbourhoods are one thread, so no message is repeated."""

    lane: str
    events: list[Event]
    cited: frozenset[str]


def threads(draft: Draft, stream: Sequence[Event] | None = None, radius: int = NEIGHBOURS) -> list[Thread]:
    """The cited events, each with up to ``radius`` neighbours either side in its channel, taken
    from ``stream`` (the sources) when given, else from the draft's evidence index, as threads."""
    cited = {event.id for event in draft.evidence_index}
    pool = list(stream) if stream is not None else list(draft.evidence_index)
    known = {event.id for event in pool}
    # A cited event the pool lacks (sources given for context are checked, so only a hand-made
    # draft) still shows, alone in its lane.
    pool += [event for event in draft.evidence_index if event.id not in known]
    lanes: dict[str, list[Event]] = defaultdict(list)
    for event in pool:
        lanes[lane(event)].append(event)
    found = []
    for name, events in lanes.items():
        marks = [i for i, event in enumerate(events) if event.id in cited]
        runs: list[list[int]] = []
        for i in marks:
            low, high = max(0, i - radius), min(len(events) - 1, i + radius)
            if runs and low <= runs[-1][1] + 1:
                runs[-1][1] = max(runs[-1][1], high)
            else:
                runs.append([low, high])
        for low, high in runs:
            run = events[low : high + 1]
            found.append(Thread(name, run, frozenset(e.id for e in run if e.id in cited)))
    return sorted(found, key=lambda thread: thread.events[0].ts)


def check_stream(draft: Draft, stream: Sequence[Event]) -> None:
    """The sources given for context must be the ones the draft was made from: same ids, same events."""
    by_id = {event.id: event for event in stream}
    for event in draft.evidence_index:
        other = by_id.get(event.id)
        if other is None or other.ts != event.ts or other.text != event.text:
            raise InputError(
                f"--sources: event {event.id} of the draft is not the same in these sources; "
                "give the sources the draft was made from (with the same options)"
            )


def marked(value: str, findings: Iterable[Finding]) -> Markup:
    """``value`` as HTML with each blame finding's phrase marked, its rule's message as the title."""
    spans: list[tuple[int, int, Finding]] = []
    for finding in findings:
        start = value.find(finding.match) if finding.match else -1
        if start >= 0 and all(start >= end or start + len(finding.match) <= begin for begin, end, _ in spans):
            spans.append((start, start + len(finding.match), finding))
    html, position = Markup(""), 0
    for start, end, finding in sorted(spans, key=lambda span: span[0]):
        html += escape(value[position:start])
        html += Markup('<mark class="blame" title="{}">{}</mark>').format(
            f"{finding.rule_id}: {finding.message}", value[start:end]
        )
        position = end
    return html + escape(value[position:])


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _json_for_script(value: Any) -> str:
    # Inside <script type="application/json">: no "</script", "<!--" or "&" can appear raw.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_SENTINEL = "PMRV{}Z"
_HAS_URL = re.compile(r"://|www\.|mailto:", re.IGNORECASE)
_LINT_OFF, _LINT_ON = "<!-- postmortem-lint disable -->", "<!-- postmortem-lint enable -->"


def _skeleton(draft: Draft, left: LeftOut, *, event_count: int) -> dict[str, Any]:
    """The reviewed Markdown with a placeholder for every value a reviewer can change, for the
    page's script to fill in: each placeholder's escaping context (table cell, start of a bullet,
    inline) and its original value already escaped by the same filters as the template's."""
    copy = unshared(draft)
    slots: dict[str, dict[str, Any]] = {}
    counter = iter(range(1_000_000))
    for claim in claims(copy):
        for name in claim.fields:
            token = _SENTINEL.format(next(counter))
            slots[token] = {"claim": claim.key, "field": name}
            setattr(claim.item, name, token)
    rows = []
    for finding in copy.blame_findings:
        token = _SENTINEL.format(next(counter))
        rows.append({"token": token, "path": finding.path})
        finding.path = token
    reviewer, date = _SENTINEL.format(next(counter)), _SENTINEL.format(next(counter))
    text = render_markdown(copy, event_count=event_count, review=ReviewNote(reviewer, date), digested=left)
    texts = {event.id: event.text for event in draft.evidence_index}
    by_key = {claim.key: claim for claim in claims(draft)}
    contexts = _contexts(draft, left, slots, event_count=event_count)
    for token, slot in slots.items():
        slot["context"] = contexts[token]
        claim = by_key[slot["claim"]]
        value = claim.fields[slot["field"]]
        escaped = escape_for(slot["context"], value, [texts.get(i, "") for i in claim.evidence])
        if escaped != value:  # the page's data stays small: most values are their own Markdown
            slot["escaped"] = escaped
    clean = render_markdown(
        copy.model_copy(update={"blame_findings": []}),
        event_count=event_count,
        review=ReviewNote(reviewer, date),
        digested=left,
    )
    return {
        "markdown": text,
        "slots": slots,
        "findings": rows,
        "reviewer": reviewer,
        "date": date,
        "clean": _lint_off_region(clean),  # the wording check once no finding is left
    }


def _lint_off_region(markdown: str) -> list[str]:
    """The lines between the template's lint-disable and lint-enable comments (the wording check)."""
    lines = markdown.split("\n")
    start = lines.index(_LINT_OFF)
    return lines[start + 1 : lines.index(_LINT_ON, start)]


def _contexts(draft: Draft, left: LeftOut, slots: dict[str, dict[str, Any]], *, event_count: int) -> dict[str, str]:
    """How the template escapes each placeholder's value, read from a render with a probe in each:
    ``- TOKEN |`` comes out as ``\\- TOKEN |`` at a bullet's start (block), ``- TOKEN \\|`` in a table
    cell, and as it is inline (text)."""
    probe = unshared(draft)
    by_key = {claim.key: claim for claim in claims(probe)}
    for token, slot in slots.items():
        setattr(by_key[slot["claim"]].item, slot["field"], f"- {token} |")
    text = render_markdown(probe, event_count=event_count, digested=left)
    return {
        token: "block" if f"\\- {token} " in text else "cell" if f"{token} \\|" in text else "text" for token in slots
    }


def escape_for(context: str, value: str, backing: Iterable[str]) -> str:
    """``value`` escaped as the template escapes a value in ``context`` (cell, block or text)."""
    if context == "cell":
        return markdown_cell(value, backing)
    if context == "block":
        return markdown_block(value, backing)
    return markdown_text(value, backing)


def render_review(draft: Draft, *, event_count: int, stream: Sequence[Event] | None = None) -> str:
    """The review page of ``draft`` as one self-contained HTML document: the claims the Markdown
    draft shows (``extract.digest``: long lists folded and capped, what was left out said)."""
    sha = draft_hash(draft)
    draft, left = digest(draft)
    folder = templates_dir()
    try:
        style = (folder / "review.css").read_text(encoding="utf-8")
        script = (folder / "review.js").read_text(encoding="utf-8")
    except OSError as exc:
        raise InternalError(f"the review page's {exc.filename} is missing; reinstall postmortem-writer") from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = when
    lanes = {event.id: lane(event) for event in draft.evidence_index}
    env.globals["lanes_of"] = lambda ids: sorted({lanes[i] for i in ids if i in lanes})
    env.globals["marked"] = marked
    multi_day = len({e.ts.date() for e in draft.evidence_index}) > 1
    all_claims = claims(draft)
    findings: dict[str, list[Finding]] = defaultdict(list)
    for finding in draft.blame_findings:
        findings[finding.path].append(finding)
    data = {
        "draft": sha,
        "claims": {c.key: {"section": c.section.field, "fields": c.fields, "evidence": c.evidence} for c in all_claims},
        "neighbours": NEIGHBOURS,
        # What an edited statement's URLs are checked against: only texts that hold a URL matter.
        "texts": {e.id: e.text for e in draft.evidence_index if _HAS_URL.search(e.text)},
        "empty": {s.field: s.empty for s in SECTIONS},
        "headings": {s.field: s.heading for s in SECTIONS},
        "skeleton": _skeleton(draft, left, event_count=event_count),
    }
    return env.get_template(PAGE_TEMPLATE).render(
        draft=draft,
        sections=SECTIONS,
        claims=all_claims,
        findings=findings,
        threads=threads(draft, stream),
        picture=picture(draft, stream),
        multi_day=multi_day,
        withheld=set(draft.provenance.withheld),
        style=style,
        script=script,
        data=Markup(_json_for_script(data)),
        csp=f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; img-src data:; "
        "base-uri 'none'; form-action 'none'",
        draft_sha=data["draft"],
        event_count=event_count,
    )


_WIDTH, _LEFT, _SLICES = 900, 170, 60


@dataclass(frozen=True)
class Mark:
    """One mark of the incident picture, at ``x`` over ``width`` pixels of its lane."""

    lane: int
    x: float
    width: float
    kind: str  # firing, deploy, rollback, page, alert, chat, status, other
    event: str
    label: str


@dataclass(frozen=True)
class Picture:
    """The incident drawn as lanes over time: what the SVG in the page shows."""

    lanes: list[str]
    marks: list[Mark]
    density: list[tuple[int, float, float]]  # (lane, x, height 0..1) of chat messages per time slice
    window: tuple[float, float] | None
    ticks: list[tuple[float, str]]
    width: int = _WIDTH
    left: int = _LEFT
    lane_height: int = 28


def picture(draft: Draft, stream: Sequence[Event] | None = None) -> Picture:
    """Lanes per source over the span of the cited events: alerts and pages as firing spans (to
    their resolution), deploys and rollbacks as markers, chat as density per time slice, the
    incident window shaded. Chat density counts the whole stream when given; marks are cited events."""
    events = draft.evidence_index
    if not events:
        return Picture([], [], [], None, [])
    first, last = min(e.ts for e in events), max(e.ts for e in events)
    span = max((last - first).total_seconds(), 60.0)

    def x(moment: datetime) -> float:
        share = min(max((moment - first).total_seconds() / span, 0.0), 1.0)
        return round(_LEFT + (_WIDTH - _LEFT - 10) * share, 1)

    lanes: list[str] = []
    for event in events:
        if lane(event) not in lanes:
            lanes.append(lane(event))
    marks: list[Mark] = []
    end = draft.impact.end or last
    for start, stop in firing_spans(events):
        until = stop.ts if stop is not None else end
        text = f"{start.id} firing {start.ts:%H:%M:%S} to {until:%H:%M:%S}: {start.text[:160]}"
        marks.append(
            Mark(lanes.index(lane(start)), x(start.ts), max(x(until) - x(start.ts), 3), "firing", start.id, text)
        )
    for event in events:
        kind = marker(event)
        if kind != "chat":
            label = f"{event.id} {event.ts:%H:%M:%S} {event.actor}: {event.text[:160]}"
            marks.append(Mark(lanes.index(lane(event)), x(event.ts), 3, kind, event.id, label))
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for event in stream if stream is not None else events:
        if event.kind.value == "chat" and lane(event) in lanes and first <= event.ts <= last:
            slot = min(int((event.ts - first).total_seconds() / span * _SLICES), _SLICES - 1)
            counts[(lanes.index(lane(event)), slot)] += 1
    peak = max(counts.values(), default=1)
    step = (_WIDTH - _LEFT - 10) / _SLICES
    density = [(row, round(_LEFT + slot * step, 1), round(n / peak, 2)) for (row, slot), n in sorted(counts.items())]
    window = None
    if draft.impact.start is not None:
        window = (x(draft.impact.start), x(draft.impact.end or last))
    middle = first + (last - first) / 2
    ticks = [(x(moment), f"{moment:%H:%M}") for moment in (first, middle, last)]
    return Picture(lanes, marks, density, window, ticks)
