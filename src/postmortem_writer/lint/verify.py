"""The check every rewording, offline or from a model, must pass before it is offered.

Three things: the rewrite lints clean; it keeps every time, date, duration, number, identifier,
system name and quoted term of the original; and it drops only the blamed person and the judgement.
People's names and @handles are the exception to keeping: taking them out is the point of a
rewrite. Identifiers are tokens with a digit, underscore, dot or slash (``db-7``, ``us-east-1``,
``v2.4.1``) or in backticks; plain hyphenated words ("on-call", "checkout-api") are left to the
reader, as prose uses them too.

"Drops only the blamed person and the judgement" is read word by word: every content word of the
rewrite is a word of the original (in any inflection) or one of the few connective and passive
words a rewrite needs (``wording.ALLOWED_NEW``); every content word of the original that the
rewrite lacks is a person, a judgement word, a word of a lint finding's span or of the doer's noun
phrase. A model that adds context it cannot know fails here, as one that quietly drops a fact does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from postmortem_writer.lint.agents import PERSON_TOKEN, analyse, doer_start, names_in
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.wording import ALLOWED_NEW, FUNCTION_WORDS, JUDGEMENT_WORDS, same_word, stem, words
from postmortem_writer.models import Finding

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_NUMBER_WORDS = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|several|a few|(?:a )?half(?: an?)?)"
)
_UNITS = r"(?:milli)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("quoted term", re.compile(r'"[^"\n]{1,60}"|\u201c[^\u201d\n]{1,60}\u201d')),
    (
        "duration",
        re.compile(
            rf"\b{_NUMBER_WORDS}[ -]{_UNITS}\b",
            re.IGNORECASE,
        ),
    ),
    ("time", re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?(?:UTC|GMT|Z|[A-Z]{2,4}T))?")),
    ("date", re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b{_MONTHS} \d{{1,2}}(?:, \d{{4}})?|\b\d{{1,2}} {_MONTHS}")),
    (
        "identifier",
        re.compile(r"`[^`]+`|(?<![\w@'])(?=[\w./-]*(?:[\d_]|[./]\w))[A-Za-z_][\w./-]*\w|\b\d+[a-z][\w-]*\b"),
    ),
    ("number", re.compile(r"(?<![\w.:-])\d+(?:[.,]\d+)*(?:\s?%|\s?(?:ms|s|GB|MB|KB|TB|k|x))?(?![\w:])")),
    ("system", re.compile(r"(?<![\w@])(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}[\w]*|[a-z]+[A-Z]\w*)\b")),
)
_NOT_SYSTEMS = frozenset({"UTC", "GMT", "PST", "PDT", "EST", "EDT", "CET", "AM", "PM", "OK", "I"})


@dataclass(frozen=True)
class Fact:
    """Something a rewrite must keep, word for word."""

    kind: str
    text: str


@dataclass
class Verdict:
    """Whether a rewrite may be offered, and if not, why."""

    ok: bool
    findings: list[Finding] = field(default_factory=list)  # blame findings still in the rewrite
    missing: list[Fact] = field(default_factory=list)  # facts of the original the rewrite lost
    added: list[str] = field(default_factory=list)  # content words the original does not hold
    dropped: list[str] = field(default_factory=list)  # content words beyond the person and the judgement

    @property
    def problems(self) -> list[str]:
        """One line per reason to reject the rewrite."""
        lines = [f"still {f.rule_id}: {f.match!r}" for f in self.findings]
        lines += [f"lost {fact.kind} {fact.text!r}" for fact in self.missing]
        lines += [f"new word {word!r}" for word in self.added]
        return lines + [f"dropped {word!r}" for word in self.dropped]


def facts(text: str, *, people: tuple[str, ...] = ()) -> list[Fact]:
    """The times, dates, numbers, identifiers and system names in ``text``, in order, without duplicates."""
    names = {p.casefold().lstrip("@") for p in people} | {p.split()[0].casefold() for p in people if p.split()}
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FACTS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue  # part of a fact already found ("09:37" inside a time, "2017" inside a date)
            value = match.group(0).strip()
            if value in _NOT_SYSTEMS or value.casefold().lstrip("@") in names or value.startswith("@"):
                continue
            if kind == "system" and PERSON_TOKEN.fullmatch(value.casefold()):  # "DBA", "SRE": the role blamed
                continue
            taken.append(span)
            if all(f.text != value for f in found):
                found.append(Fact(kind, value))
    return found


def verify_rewrite(original: str, rewrite: str, *, config: LintConfig | None = None) -> Verdict:
    """Whether ``rewrite`` passes lint (no blame findings), keeps every fact of ``original``, adds no
    content word and drops none but the blamed person's and the judgement's."""
    config = config or LintConfig()
    remaining = [f for f in lint_text(rewrite, config=config) if f.category != "structure"]
    blamed_spans = _blame_spans(original, config)
    missing = [
        fact
        for fact in facts(original, people=config.people)
        if fact.text not in rewrite and not (fact.kind == "quoted term" and _inside(original, fact.text, blamed_spans))
    ]
    kept = words(original)
    added = _unique(w for w in words(rewrite) if _content(w) and w not in ALLOWED_NEW and not _among(w, kept))
    blamed = _blamed_words(original, blamed_spans)
    new = words(rewrite)
    lost = {w for fact in missing for w in words(fact.text)}  # reported as the fact, not again word by word
    dropped = _unique(w for w in kept if _content(w) and w not in blamed | lost and not _among(w, new))
    ok = not (remaining or missing or added or dropped)
    return Verdict(ok=ok, findings=remaining, missing=missing, added=added, dropped=dropped)


def _content(word: str) -> bool:
    return word not in FUNCTION_WORDS and len(word) > 1


def _among(word: str, others: list[str]) -> bool:
    # by spelling first: the verb tables (a second to load) only for a form no stem explains ("ran"/"run")
    return any(stem(word) == stem(other) for other in others) or any(same_word(word, other) for other in others)


def _unique(found: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(found))


def _blame_spans(original: str, config: LintConfig) -> list[tuple[int, int]]:
    """Where ``original`` blames: its findings' spans, and each person's noun phrase (doer or not)."""
    spans = [(f.start, f.end) for f in lint_text(original, config=config) if f.category != "structure"]
    people = names_in(original) + [m.span() for m in PERSON_TOKEN.finditer(original.lower())]
    people += [(m.start(), m.end()) for p in config.people for m in re.finditer(re.escape(p), original)]
    spans += [(doer_start(original, start), end) for start, end in people]
    spans += [(doer_start(original, a.who_span[0]), a.who_span[1]) for a in analyse(original, None, names_in(original))]
    return spans


def _inside(text: str, part: str, spans: list[tuple[int, int]]) -> bool:
    """Whether ``part`` of ``text`` overlaps one of ``spans``."""
    at = text.find(part)
    return at >= 0 and any(start < at + len(part) and at < end for start, end in spans)


def _blamed_words(original: str, spans: list[tuple[int, int]]) -> set[str]:
    """The words of ``original`` a rewrite may drop: judgement words and the words of its blame spans."""
    blamed = set(JUDGEMENT_WORDS)
    for start, end in spans:
        blamed.update(words(original[start:end]))
    return blamed
