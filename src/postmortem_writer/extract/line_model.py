"""A learned timeline-line classifier: one-vs-rest logistic regression over words and the shape of a line.

The weights (``line_model.json`` beside this module) are trained by ``evals/lines/train_line_classifier.py``
on the ``train`` part of ``evals/lines/lines.jsonl``; nothing is downloaded. One binary model says
whether a line is timeline material at all, and one per kind says which kind it is. The features
go beyond cue words: tense and mood (progressive, perfect, past, future, hedged, negated), who the
subject is (we, the team, users, a mention), status-page words at the start ("Resolved -",
"Update:"), quoted numbers and their units (percentages, clock times, durations, counts of users,
requests or errors), and the kinds today's cue rules give the line. A line is read on its own: the
corpus has no neighbours, so position relative to alerts and deploys is not a feature here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from itertools import pairwise

from postmortem_writer.extract.classify import chat_cues, timeline_kinds
from postmortem_writer.logreg import Model
from postmortem_writer.models import Event, SourceKind, TimelineKind

MODEL_FILE = "line_model.json"
IN_TIMELINE = "in_timeline"
# How the model joins the cue rules: the rules alone, the model alone, or one first and the other
# for the lines the first leaves out. Training picks one by cross-validation and records it.
COMBINATIONS = ("rules", "model", "rules-first", "model-first")
_AT = datetime(2025, 1, 1, tzinfo=UTC)

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,:]\d+)*")
_LEAD = re.compile(r"^\W*(investigating|identified|monitoring|resolved|update|postmortem|scheduled|completed)\b\W")
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("t=progressive", re.compile(r"\b(?:is|are|am|'re|'s)\s+(?:\w+ly\s+)?(?:still\s+)?\w+ing\b")),
    ("t=perfect", re.compile(r"\b(?:has|have|'ve)\s+(?:now\s+|also\s+|successfully\s+)?(?:been|\w+ed|\w+en)\b")),
    ("t=past", re.compile(r"\b(?:was|were|did|began|found|saw|took|made|went|\w+ed)\b")),
    ("t=future", re.compile(r"\b(?:will|'ll|going to|expect|expected|plan to|next update)\b")),
    ("t=now", re.compile(r"\b(?:now|currently|at this time|at the moment|right now|ongoing)\b")),
    ("m=hedge", re.compile(r"\b(?:may|might|could|some|subset|intermittent(?:ly)?|appears?|seems?)\b")),
    ("m=negation", re.compile(r"\b(?:no longer|not|no|never|unable|n't|cannot)\b")),
    ("m=question", re.compile(r"\?\s*$")),
    ("m=request", re.compile(r"\b(?:please|if you|reach out|contact|open a ticket|redeploy)\b")),
    ("m=apology", re.compile(r"\b(?:sorry|apologi[sz]e|apologies|patience|inconvenience|thank you)\b")),
    ("p=we", re.compile(r"\b(?:we|we're|we've|we'll|our|us)\b")),
    ("p=team", re.compile(r"\b(?:engineers?|engineering|team|on-?call|sre|incident commander|ops)\b")),
    ("p=users", re.compile(r"\b(?:users?|customers?|subscribers?|people)\b")),
    ("p=provider", re.compile(r"\b(?:provider|vendor|upstream|third[- ]party|partner|carrier)\b")),
    ("p=mention", re.compile(r"(?:^|\s)@\w+")),
    ("p=bot", re.compile(r"\b(?:alert(?:manager)?|pagerduty|monitor(?:ing)? (?:alert|system)s?|firing)\b")),
    ("n=percent", re.compile(r"\d\s*%|\bpercent\b")),
    ("n=clock", re.compile(r"\b\d{1,2}[:h.]\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b")),
    ("n=zone", re.compile(r"\b(?:utc|gmt|[pmce][sd]t|bst|cet)\b")),
    ("n=date", re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")),
    ("n=duration", re.compile(r"\b\d+(?:\.\d+)?\s*(?:ms|s|sec|seconds?|mins?|minutes?|h|hrs?|hours?|days?)\b")),
    ("n=count", re.compile(r"\b\d[\d,.]*\s*[km]?\s+(?:users?|customers?|requests?|errors?|jobs?|messages?|calls?)\b")),
    ("n=status_code", re.compile(r"\b[45]\d\d\b|\b[45]xx\b")),
)


def features(text: str) -> set[str]:
    """Sparse binary features of one line: words, word pairs, the line's shape, and the cue rules' kinds."""
    lowered = text.lower().replace("\u2019", "'")
    words = ["<num>" if w[0].isdigit() else w for w in _TOKEN.findall(lowered)]
    found = {f"w={w}" for w in words}
    found |= {f"b={a}_{b}" for a, b in pairwise(words)}
    if words:
        found.add(f"f={words[0]}")
    lead = _LEAD.match(lowered)
    if lead:
        found.add(f"lead={lead[1]}")
    found |= {name for name, pattern in _SHAPES if pattern.search(lowered)}
    found.add("len=short" if len(words) <= 6 else "len=long" if len(words) > 30 else "len=medium")
    cued = [kind.value for kind, _ in chat_cues(text)]
    found |= {f"r={kind}" for kind in cued} or {"r=none"}
    if cued:
        found.add(f"r1={cued[0]}")
    return found


def cue_kind(text: str) -> TimelineKind | None:
    """The kind today's cue rules give ``text`` written by a person in an incident channel, or ``None``."""
    event = Event(ts=_AT, source="line", format="line", kind=SourceKind.CHAT, ref="line", actor="responder", text=text)
    kinds = timeline_kinds(event)
    return kinds[0] if kinds else None


@dataclass(frozen=True)
class LineModel:
    """Whether a line is timeline material, and which kind, from one binary model per question."""

    in_timeline: Model
    kinds: dict[TimelineKind, Model]
    combination: str = "model"

    def kind_probabilities(self, feats: set[str]) -> dict[TimelineKind, float]:
        """P(kind) per kind, from the one-vs-rest models (they need not sum to one)."""
        return {kind: model.probability(feats) for kind, model in self.kinds.items()}

    def predict(self, text: str) -> TimelineKind | None:
        """The kind of ``text`` as a timeline line, or ``None`` when it is not timeline material."""
        feats = features(text)
        if self.in_timeline.probability(feats) < self.in_timeline.threshold:
            return None
        scores = self.kind_probabilities(feats)
        return max(scores, key=lambda kind: (scores[kind], kind.value))

    def kind_of(self, text: str) -> TimelineKind | None:
        """The kind of ``text`` from the model and the cue rules joined as ``combination`` says."""
        if self.combination == "rules":
            return cue_kind(text)
        if self.combination == "model":
            return self.predict(text)
        first, second = (cue_kind, self.predict) if self.combination == "rules-first" else (self.predict, cue_kind)
        return first(text) or second(text)


def from_json(data: dict[str, object]) -> LineModel:
    """A line model from its JSON form (as written by the training script)."""
    models = {}
    for name, spec in dict(data["models"]).items():  # type: ignore[call-overload]
        models[name] = Model(dict(spec["weights"]), float(spec["bias"]), float(spec.get("threshold", 0.5)))
    combination = str(data.get("combination", "model"))
    if combination not in COMBINATIONS:
        raise ValueError(f"unknown combination {combination!r}")
    kinds = {TimelineKind(name): m for name, m in models.items() if name != IN_TIMELINE}
    return LineModel(models[IN_TIMELINE], kinds, combination)


@cache
def model() -> LineModel:
    """The shipped model (read once, on first use)."""
    text = resources.files("postmortem_writer.extract").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return from_json(json.loads(text))
