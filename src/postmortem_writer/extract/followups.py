"""Follow-ups people wrote: action items and open questions.

Action items come from sentences with an action cue (``cues.ACTIONS``) and from lists: the lines
after a header such as "action items:" or "follow-ups from my side:" are one item each. Once the
incident has recovered, any "I'll …" or "can someone …" counts too (``cues.LATE_ACTIONS``); during
it, those words are the response itself. Questions for the review are quoted as they were asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

from postmortem_writer.events import EventStream
from postmortem_writer.extract import cues
from postmortem_writer.models import ActionItem, ActorKind, Cited, Event
from postmortem_writer.people import impersonal, names_someone, person
from postmortem_writer.text import BULLET, PUNCT, Cue, capitalise, lines, once_per_text, plain, sentences, trim

Late = Callable[[Event], bool]
"""Whether an event was written after the incident recovered."""

_SELF = frozenset({"me", "mine", "myself"})
# Words that say who or how but not what ("take that one too", "file a ticket for that").
_GENERIC = frozenset(
    {
        "i", "ll", "i'll", "we", "you", "someone", "can", "will", "could", "should", "take", "do", "own", "get",
        "put", "file", "a", "an", "the", "ticket", "tickets", "jira", "issue", "for", "in", "on", "to", "of",
        "and", "up", "too", "also", "yep", "yes", "ok", "sure", "please", "pls", "me", "my", "it", "this",
        "that", "these", "those", "them", "one", "draft", "there", "off", "load",
    }
)  # fmt: skip
_PRONOUNS = frozenset({"it", "this", "that", "them", "these", "those", "one"})
_WORDS = re.compile(r"\w+")


@once_per_text
def split_lists(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its follow-up lists, and the listed items (every line after a list header)."""
    rest: list[str] = []
    items: list[str] = []
    listing = False
    for line in lines(text):
        header = cues.ACTION_HEADER.pattern.search(line)
        if header is not None:
            listing = True
            if before := line[: header.start("header")].strip():
                rest.append(before)
        elif listing:
            bullet = BULLET.pattern.match(line)
            items.append(bullet["item"] if bullet else line)
        else:
            rest.append(line)
    kept = "\n".join(rest)
    return (text if kept == text else kept), tuple(items)  # one copy of a text without lists


@once_per_text
def is_action(sentence: str) -> bool:
    """Whether a sentence states an action item (and so is no timeline material)."""
    return cues.ACTIONS.search(sentence) is not None


def action_items(prose: Iterable[Event], names: Collection[str], late: Late) -> list[ActionItem]:
    """Action items in what people wrote, one per distinct description, each citing who said it."""
    items: dict[str, ActionItem] = {}
    for event in prose:
        rest, listed = split_lists(event.text)
        found = [_listed(line, event, names) for line in listed]
        said = sentences(rest)
        for index, sentence in enumerate(said):
            hit = cues.ACTIONS.search(sentence) or (cues.LATE_ACTIONS.search(sentence) if late(event) else None)
            if hit is not None:
                found.extend(_said(sentence, hit, said[index - 1] if index else "", event, names))
        for description, owner in found:
            key = description.casefold()
            if key in items:
                # Messages come in order, so this one is either the last cited or not cited yet: a
                # membership test of the whole list grew with every message repeating the item.
                if items[key].evidence[-1] != event.id:
                    items[key].evidence.append(event.id)
            elif description:
                items[key] = ActionItem(description=trim(description), owner=owner, evidence=[event.id])
    return list(items.values())


def _listed(line: str, event: Event, names: Collection[str]) -> tuple[str, str]:
    hit = cues.ACTIONS.search(line)
    description, category = _after_lead(line, hit) if hit else (line, "suggestion")
    return _finish(description, line, category, event, names)


def _said(
    sentence: str, hit: tuple[Cue, re.Match[str]], previous: str, event: Event, names: Collection[str]
) -> list[tuple[str, str]]:
    description, category = _after_lead(sentence, hit)
    if hit[0].label == "context" and previous:
        # "hotfix PR #1204 closes the channel. will ship tomorrow": the subject is in the sentence before.
        description = sentence = f"{previous} {sentence}"
    parts = [part for part in _SEPARATOR.split(description) if part.strip()]
    if hit[0].id not in _LIST_LEADS or len(parts) < 2:
        return [_finish(description, sentence, category, event, names)]
    # "action items: log the credential ids; verify …; require …" lists one item per part.
    return [_finish(part, part, category, event, names) for part in parts]


_SEPARATOR = re.compile(r";\s+")
# Leads that open a list written on one line ("action items: a; b; c"); "we should x; it would help" is one item.
_LIST_LEADS = frozenset({"act.action-item", "act.follow-up", "act.ai", "act.todo"})


def _after_lead(sentence: str, hit: tuple[Cue, re.Match[str]]) -> tuple[str, str]:
    """What follows the cue's lead ("I'll file a ticket" -> "file a ticket"), and the cue's category."""
    item, found = hit
    if found.groupdict().get("lead") is None or item.label == "context":
        return sentence, item.category
    rest = sentence[found.end("lead") :]
    # A list header with its item on the same line: "follow ups: can someone file a ticket to …?"
    nested = cues.ACTIONS.search(rest)
    if nested is not None and nested[1].groupdict().get("lead") is not None:
        return rest[nested[1].end("lead") :], nested[0].category
    return rest, item.category


def _finish(description: str, sentence: str, category: str, event: Event, names: Collection[str]) -> tuple[str, str]:
    owner = event.actor if category == "commitment" else "TBD"
    for marker in (cues.OWNER_SUFFIX, cues.OWNER_PREFIX):
        named = marker.pattern.search(description)
        if named is None:
            continue
        said = named["name"] or named.groupdict().get("mention") or ""
        who = event.actor if said.casefold() in _SELF else person(said, names)
        if who is not None:
            owner = who
            description = description[: named.start()] + description[named.end() :]
            sentence = marker.pattern.sub("", sentence)
    text = _clean(description)
    if _thin(impersonal(text, names)):
        # "RCA doc tomorrow, I'll own it" is an item, "Own it" is not.
        text = _clean(sentence)
    if _thin(impersonal(text, names)):
        return "", owner  # "I can take that one too" says who, not what: nothing to track
    return capitalise(text), owner


def _clean(text: str) -> str:
    return plain(text).strip(PUNCT + "?")


def _thin(text: str) -> bool:
    words = [w.casefold() for w in _WORDS.findall(text)]
    content = [w for w in words if w not in _GENERIC]
    return len(words) < 3 or (len(words) <= 3 and any(w in _PRONOUNS for w in words)) or len(content) < 2


def open_questions(prose: Iterable[Event], stream: EventStream, late: Late, names: Collection[str]) -> list[Cited]:
    """Questions for the review, quoted as asked; operational ones only when nobody answered them.

    A question that names a person ("why didn't Sam ack the page?") is left out: the review asks
    about conditions, and the draft does not repeat it.
    """
    replies: dict[str, list[Event]] = {}
    for event in stream:
        if event.thread is not None:
            replies.setdefault(event.thread, []).append(event)
    questions: list[Cited] = []
    asked: set[tuple[str, ...]] = set()
    for event in prose:
        said = sentences(split_lists(event.text)[0])
        for index, sentence in enumerate(said):
            hit = cues.QUESTIONS.search(sentence)
            if hit is None or names_someone(sentence, names):
                continue
            category = hit[0].category
            if category == "review-late":
                category = "review" if late(event) else "clarifying"
            later = [e for e in replies.get(event.thread or event.id, []) if e.ts >= event.ts and e.id != event.id]
            answered = any(e.actor != event.actor and e.actor_kind is ActorKind.HUMAN for e in later)
            # Review questions stay open unless a reply in their thread answers them; operational
            # ones only count when asked in a thread and nobody answered them there.
            if answered or (category != "review" and event.thread is None and not later):
                continue
            quote = sentence
            if len(_WORDS.findall(sentence)) < 3:
                # "why??" says nothing alone; with the sentence before it, it is the question.
                if index == 0:
                    continue
                quote = f"{said[index - 1]} {sentence}"
            key = tuple(_WORDS.findall(quote.casefold()))
            if key in asked:
                continue  # the same question asked twice ("…fire??" then "…fire?") is one question
            asked.add(key)
            questions.append(Cited(text=f"Asked during the incident: “{trim(plain(quote))}”", evidence=[event.id]))
    return questions
