"""Fault storms for the loopback server, and the accounting that shows whether a draft lost events.

``FaultStorm`` is a loopback responder that answers a share of requests with a fault drawn from
``FAULT_KINDS`` (rate limits with and without ``Retry-After``, 5xx, timeouts, dropped and cut-off
connections, invalid or truncated JSON, answers cut at the token limit, slow answers) and every
other request with a valid answer that cites each event it was shown. Because each answer cites
everything its chunk holds, a chat event the model read is visible in the draft, which is what
``account`` checks: every input event is either shown as analysed, inside a marked gap, or placed
by the rules; anything else is lost.

Used by ``tests/llm/test_faults.py`` and ``benchmarks/fault_injection.py``; never by a real run.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from postmortem_writer.chunking import event_ids
from postmortem_writer.events import EventStream
from postmortem_writer.extract.llm import ANALYSIS_GAP
from postmortem_writer.models import Draft, Gap, SourceKind, event_number
from postmortem_writer.redact import PLACEHOLDER
from postmortem_writer.render import anchor
from postmortem_writer.testing.loopback import Action, Answer, Cut, Drop, Fault, Responder, citing_responder


def _text(answer: Answer) -> str:
    return answer.payload if isinstance(answer.payload, str) else json.dumps(answer.payload)


FaultMaker = Callable[[Answer, float], Action]
"""Makes a fault from the valid answer it replaces and the client's timeout in seconds."""

FAULT_KINDS: dict[str, FaultMaker] = {
    "429-retry-after": lambda ok, timeout: Fault(429, {"Retry-After": "1"}, "rate limited, retry after 1 s"),
    "429": lambda ok, timeout: Fault(429, message="rate limited"),
    "500": lambda ok, timeout: Fault(500, message="internal error"),
    "502": lambda ok, timeout: Fault(502, message="bad gateway"),
    "503": lambda ok, timeout: Fault(503, message="overloaded"),
    "timeout": lambda ok, timeout: replace(ok, delay=timeout + 0.3),
    "dropped": lambda ok, timeout: Drop(),
    "cut-body": lambda ok, timeout: Cut(ok),
    "invalid-json": lambda ok, timeout: replace(ok, payload=_text(ok).replace(":", " ", 1)),
    "truncated-json": lambda ok, timeout: replace(ok, payload=_text(ok)[: len(_text(ok)) // 2]),
    "length": lambda ok, timeout: replace(ok, payload=_text(ok)[: len(_text(ok)) // 2], finish_reason="length"),
    "slow": lambda ok, timeout: replace(ok, delay=timeout / 3),
}
"""Every fault a storm can inject, by stable id. ``slow`` is a valid answer, only late."""


def covering_responder() -> Responder:
    """Answers each map call with one entry citing every event of its chunk; the synthesis (and
    anything else) as ``citing_responder`` does.

    Contentless but exhaustive: a chat event is cited by the draft exactly when a map call that
    showed it was answered and its finding survived merging and grounding.
    """
    citing = citing_responder()

    def respond(body: dict[str, Any]) -> Action:
        if "ChunkFindings" not in json.dumps(body):
            return citing(body)
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        # The first user message is the chunk; later ones are instructor's re-asks.
        ids = list(dict.fromkeys(event_ids(text.splitlines())))
        payload = {"timeline": [{"kind": "other", "description": "Discussion continued.", "evidence": ids}]}
        return Answer(payload, usage=(len(text) // 4, 20))

    return respond


class FaultStorm:
    """A loopback responder injecting a fault into a share ``rate`` of requests.

    The choice for a request depends only on ``seed``, the request body and how many times that
    body was seen before, so a storm replays the same way whatever order concurrent calls arrive
    in. ``injected`` counts faults by kind; ``requests`` counts everything answered.
    """

    def __init__(
        self,
        rate: float,
        *,
        seed: int | str,
        timeout: float,
        kinds: Sequence[str] = tuple(FAULT_KINDS),
        answer: Responder | None = None,
    ) -> None:
        unknown = sorted(set(kinds) - set(FAULT_KINDS))
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(unknown)}")
        self.rate = rate
        self.seed = seed
        self.timeout = timeout
        self.kinds = tuple(kinds)
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self._answer = answer or covering_responder()
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Action:
        """The action for ``body``: a fault with probability ``rate``, else the valid answer."""
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self._lock:
            nth = self._seen[key]
            self._seen[key] += 1
            self.requests += 1
        draw = random.Random(f"{self.seed}:{key}:{nth}")
        ok = self._answer(body)
        if not isinstance(ok, Answer) or draw.random() >= self.rate:
            return ok
        kind = draw.choice(self.kinds)
        with self._lock:
            self.injected[kind] += 1
        return FAULT_KINDS[kind](ok, self.timeout)


@dataclass
class Accounting:
    """Where every input event of one draft went; ``lost`` must be empty.

    - ``in_gaps``: chat events inside a chunk gap the draft marks;
    - ``analysed``: other chat events the draft's timeline cites (the model read them);
    - ``withheld``: chat messages left out as prompt injection, listed and quoted by the draft;
    - ``placed``: structured events the rules-only draft's timeline places that this one places too;
    - ``lost``: ids of chat events neither cited nor in a gap, structured events the rules place
      but this draft does not, and cited events missing from the evidence index (or from the
      Markdown's index when it is given);
    - ``bad_gaps``: gaps whose range does not hold exactly the chat events they claim.
    """

    events: int
    chat: int
    structured: int
    analysed: int = 0
    withheld: int = 0
    in_gaps: int = 0
    placed: int = 0
    chunk_gaps: int = 0
    gap_events: int = 0
    analysis_gaps: int = 0
    lost: list[str] = field(default_factory=list)
    bad_gaps: list[str] = field(default_factory=list)


def account(stream: EventStream, draft: Draft, baseline: Draft, markdown: str | None = None) -> Accounting:
    """Account for every event of ``stream`` in ``draft`` (an LLM draft of it, as read back from its
    JSON); ``baseline`` is the rules-only draft of the same stream."""
    chat = [event.id for event in stream if event.kind is SourceKind.CHAT]
    structured = [event.id for event in stream if event.kind is not SourceKind.CHAT]
    result = Accounting(events=len(stream), chat=len(chat), structured=len(structured))
    number = {event_id: event_number(event_id) for event_id in chat}
    chunk_gaps: list[Gap] = []
    for gap in draft.gaps:
        if gap.reason.startswith(ANALYSIS_GAP):
            result.analysis_gaps += 1
            continue
        chunk_gaps.append(gap)
        inside = [i for i in chat if event_number(gap.first) <= number[i] <= event_number(gap.last)]
        if gap.first not in number or gap.last not in number or len(inside) != gap.events:
            result.bad_gaps.append(f"{gap.first}-{gap.last} claims {gap.events} chat events, holds {len(inside)}")
    result.chunk_gaps = len(chunk_gaps)
    result.gap_events = sum(gap.events for gap in chunk_gaps)
    on_timeline = {event_id for entry in draft.timeline for event_id in entry.evidence}
    withheld = set(draft.provenance.withheld) & draft.cited_ids()
    lost: set[str] = set()
    for event_id in chat:
        # A gap's events may be cited by the rules entries standing in for it: they count as gaps.
        if any(event_number(g.first) <= number[event_id] <= event_number(g.last) for g in chunk_gaps):
            result.in_gaps += 1
        elif event_id in on_timeline:
            result.analysed += 1
        elif event_id in withheld:
            result.withheld += 1
        else:
            lost.add(event_id)
    expected = {event_id for entry in baseline.timeline for event_id in entry.evidence} & set(structured)
    result.placed = len(expected & on_timeline)
    lost |= expected - on_timeline
    index = {event.id: event for event in draft.evidence_index}
    for event_id in draft.cited_ids():
        shown = index.get(event_id)
        indexed = (
            shown is not None
            and event_id in stream
            and shown.ts == stream[event_id].ts
            and _same_text(shown.text, stream[event_id].text)
        )
        rendered = markdown is None or f'<a id="{anchor(event_id)}"></a>{event_id} |' in markdown
        if not (indexed and rendered):
            lost.add(event_id)
    result.lost = sorted(lost, key=event_number)
    return result


def _same_text(shown: str, source: str) -> bool:
    """Whether ``shown`` is ``source`` as the draft may show it: with placeholders where values were redacted."""
    if shown == source:
        return True
    pattern = ".+?".join(re.escape(part) for part in PLACEHOLDER.split(shown))
    return PLACEHOLDER.search(shown) is not None and re.fullmatch(pattern, source, flags=re.S) is not None
