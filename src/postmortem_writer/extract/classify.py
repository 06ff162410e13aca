"""Timeline kinds of single events: structured signals, alert and integration posts, chat.

Structured signals decide by themselves. A post by an alerting, paging or deploy integration is
read by its status shape (``[FIRING:1] …``, ``Recovered: …``, ``Incident update — Identified: …``)
before any chat cue, so the word "restarted" inside an alert never makes it a mitigation. Chat is
classified sentence by sentence and takes the highest-precedence kind any sentence gives; action
items, follow-up lists and questions give no kind, except a question about a symptom ("is
checkout down?"), which is how people often report one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem_writer.extract import cues
from postmortem_writer.extract.followups import is_action, split_lists
from postmortem_writer.models import ActorKind, Event, Signal, TimelineKind
from postmortem_writer.text import Cue, normalise, once_per_text, sentences

_K = TimelineKind
_QUOTED = re.compile(r'"[^"\n]{12,}"|“[^”\n]{12,}”')

SIGNAL_KINDS: dict[Signal, TimelineKind] = {
    Signal.ALERT_FIRING: _K.DETECTION,
    Signal.PAGE_TRIGGERED: _K.DETECTION,
    Signal.PAGE_ACKNOWLEDGED: _K.ESCALATION,
    Signal.PAGE_ESCALATED: _K.ESCALATION,
    Signal.PAGE_RESOLVED: _K.RESOLUTION,
    Signal.ALERT_RESOLVED: _K.RESOLUTION,
    Signal.DEPLOY: _K.CHANGE,
    Signal.ROLLBACK: _K.MITIGATION,
    Signal.CONFIG_CHANGE: _K.CHANGE,
    Signal.TOPIC: _K.COMMUNICATION,
}


def is_bot(event: Event) -> bool:
    """Whether a bot, integration or the platform wrote ``event`` (the sources decide, by flag or by name)."""
    return event.actor_kind is not ActorKind.HUMAN


def integration_post(event: Event) -> tuple[TimelineKind, Cue] | None:
    """The kind an alert or integration post gives by its status shape, with the cue; ``None`` for chat.

    A bot's post reads by its shape, and so does an alert relayed under a name the source does not
    mark as a bot ("pagerbot: [FIRING:1] …", "alertbot: RECOVERY …").
    """
    if event.signal is not None:
        return None
    text = normalise(event.text)
    if is_bot(event) or cues.ALERT_SHAPE.pattern.search(text):
        return cues.alert_post_cue(text)
    return None


def alert_recovery(event: Event) -> bool:
    """Whether ``event`` is an alert or page resolving: the most direct record of an incident's end."""
    if event.signal in (Signal.ALERT_RESOLVED, Signal.PAGE_RESOLVED):
        return True
    post = integration_post(event)
    return post is not None and post[0] is _K.RESOLUTION


def chat_cues(text: str) -> list[tuple[TimelineKind, Cue]]:
    """Every timeline kind the sentences of a chat message give, in precedence order, with a cue each.

    The first is the message's kind. Follow-up lists, action items and questions are skipped
    (a question can still be a detection).
    """
    found: dict[TimelineKind, Cue] = {}
    for _, kind, item in _sentence_cues(text):
        found.setdefault(kind, item)
    return [(kind, found[kind]) for kind in cues.TIMELINE_CUES if kind in found]


def sentences_of_kind(text: str, kind: TimelineKind) -> list[str]:
    """The sentences of a chat message that give it ``kind`` (what a timeline row should quote)."""
    return list(dict.fromkeys(sentence for sentence, found, _ in _sentence_cues(text) if found is kind))


@once_per_text
def _sentence_cues(text: str) -> tuple[tuple[str, TimelineKind, Cue], ...]:
    return tuple(_each_sentence_cue(text))


def _each_sentence_cue(text: str) -> Iterator[tuple[str, TimelineKind, Cue]]:
    # Quoted words are someone else's ("status page updated: \"… was rolled back at 18:44\""):
    # they do not say what this message's author did.
    rest, _ = split_lists(_QUOTED.sub("“…”", text))
    for said in sentences(rest):
        # "going to fail over to the replica, ok?" proposes; only a real question is skipped.
        sentence = cues.QUESTION_TAG.pattern.sub("", said).strip()
        if not sentence or is_action(sentence):
            continue
        question = sentence.endswith("?")
        if question and cues.OPEN_QUESTION.pattern.search(sentence):
            continue
        for kind, table in cues.TIMELINE_CUES.items():
            if question and kind is not _K.DETECTION:
                continue
            hit = table.search(sentence)
            if hit is not None:
                yield said, kind, hit[0]


def timeline_kinds(event: Event) -> list[TimelineKind]:
    """Every timeline kind ``event`` could have, best first; empty when it is not timeline material.

    Noise and chat without a cue are left out (they stay citable, just not as timeline rows).
    """
    text = normalise(event.text)
    if event.signal is None:
        if not text or cues.noise_cue(text) is not None:
            return []
        post = integration_post(event)
        if post is not None:
            return [post[0]]
        return [kind for kind, _ in chat_cues(event.text)]
    if event.signal is Signal.PAGE_NOTE:
        for kind in (_K.DECISION, _K.DIAGNOSIS):
            if cues.TIMELINE_CUES[kind].search(text):
                return [kind]
        return [kind for kind, _ in chat_cues(event.text)] or [_K.OTHER]
    structured = SIGNAL_KINDS.get(event.signal)
    return [structured] if structured else []


def classify_event(event: Event) -> TimelineKind | None:
    """The timeline kind of one event, or ``None`` when it is not timeline material."""
    kinds = timeline_kinds(event)
    return kinds[0] if kinds else None


def deploy_announcement(event: Event) -> bool:
    """Whether ``event`` is a deploy tool's chat post, which only echoes a deploy export when one was given."""
    if event.signal is not None or not is_bot(event):
        return False
    post = cues.alert_post_cue(event.text)
    return post is not None and post[1].label == "deploy"
