"""A model as second opinion on the sentences the offline lint is unsure of.

Only a sentence that neither the cue rules nor the agent analysis decided, and whose classifier
probability lies near the threshold, is sent; its secrets and personal data become placeholders
and the names the lint finds become "Person N" labels first. The answer is validated like every
model answer: the category must be a known one and the span an exact substring of the sentence
the model saw, else it is re-asked, and after the re-asks it is dropped. For a judged sentence the
model's verdict replaces the classifier's; a sentence it could not judge keeps it.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from postmortem_writer.errors import EndpointError, ModelError
from postmortem_writer.lint import classifier
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import blame_probability, lint_text, people_in, sentence_finding
from postmortem_writer.lint.markdown import Markdown, Sentence, parse
from postmortem_writer.lint.rules import RULES, blame_rule
from postmortem_writer.llm.backend import Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN, data_block, load_prompt
from postmortem_writer.models import Finding
from postmortem_writer.redact import PLACEHOLDER, Redaction
from postmortem_writer.redact.detect import Detector
from postmortem_writer.redact.people import Pseudonyms

JUDGE_PROMPT = ("lint-judge", "v1")
MODEL_RULES = "blame.model"
"""The prefix of a model finding's rule id (``blame.model.<category>``); ``--disable`` it to send nothing."""
UNSURE_BAND = 0.25
"""How far from the classifier's threshold a probability still counts as unsure.

Why this width: of the 1,074 labelled sentences outside ``test`` and the fresh parts, 798 are left
to the classifier; within 0.25 of its threshold lie 66 of them (8%, the requests a document of
such sentences costs) and 13 of its 26 errors there. Within 0.4 lie 149 and 19 errors: twice the
requests for few more errors; within 0.1, 18 and 10. The classifier was fitted on these parts, so
on new text it errs more, in the band and outside it; ``postmortem lint --eval … --model …``
prints how many sentences of a part were sent.
"""
_CATEGORIES = tuple(rule.category for rule in RULES)
_NAMING = "blame.naming_individuals"


class Judgement(BaseModel):
    """The model's verdict on one sentence; a blame-prone verdict is grounded in the sentence it saw."""

    blame_prone: bool = Field(description="whether the sentence blames a person")
    category: str = Field("", description="when blame-prone, one of the category ids listed in the instructions")
    span: str = Field(
        "", description="when blame-prone, the words carrying the blame, copied exactly from the sentence"
    )
    why: str = Field("", description="one short line: why")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> Judgement:
        if not self.blame_prone:
            return self
        if self.category not in _CATEGORIES:
            raise ValueError(f"category {self.category!r} is not one of {', '.join(_CATEGORIES)}")
        sentence = (info.context or {}).get("sentence")
        if isinstance(sentence, str) and (not self.span.strip() or self.span not in sentence):
            raise ValueError(
                f"span {self.span!r} is not an exact substring of the sentence: copy it character for character"
            )
        return self


@dataclass(frozen=True)
class Verdict:
    """A judgement about an original sentence: its span as offsets into that sentence."""

    blame_prone: bool
    category: str
    start: int
    end: int
    why: str


class ModelJudge:
    """Asks ``caller``'s model about single sentences (cached and logged like every call)."""

    def __init__(self, caller: Caller, config: LintConfig, *, concurrency: int = 1) -> None:
        self.caller = caller
        self.config = config
        self.concurrency = max(1, concurrency)
        self._detector = Detector()

    @property
    def model(self) -> str:
        """The model's name, as a finding says who judged it."""
        return self.caller.backend.model

    def judge(self, sentence: str) -> Verdict:
        """The model's verdict on ``sentence``; ``ModelError`` or ``EndpointError`` when there is none."""
        hidden = self.hide(sentence)
        prompt = load_prompt(*JUDGE_PROMPT)
        request = Request(
            prompt=prompt.ref,
            messages=prompt.messages(
                data=data_block([hidden]),
                data_open=DATA_OPEN,
                data_close=DATA_CLOSE,
                categories=[(rule.category, rule.message) for rule in RULES],
            ),
            response_model=Judgement,
            context={"sentence": hidden},
            label="lint-judge",
            remember_invalid=True,  # an ungrounded answer stays one: a re-run need not pay for it again
        )
        answer = self.caller.call(request).value
        if not answer.blame_prone:
            return Verdict(False, "", 0, 0, answer.why)
        at = hidden.index(answer.span)
        start, end = _aligned(hidden, sentence, at, at + len(answer.span))
        return Verdict(True, answer.category, start, end, " ".join(answer.why.split()))

    def hide(self, sentence: str) -> str:
        """``sentence`` as the model sees it: secrets and personal data as placeholders, names as labels.

        A fresh redaction per sentence numbers its placeholders from 1, so a sentence's request,
        and so its cache key, does not depend on the sentences around it.
        """
        taken = frozenset(PLACEHOLDER.findall(sentence))
        hidden = Redaction(self._detector, taken=taken).text(sentence)
        names = [hidden[start:end] for start, end in people_in(hidden, self.config)]
        labels = {name.lstrip("@"): f"Person {n}" for n, name in enumerate(dict.fromkeys(names), start=1)}
        return Pseudonyms(labels).text(hidden) if labels else hidden


def _aligned(hidden: str, original: str, start: int, end: int) -> tuple[int, int]:
    """Offsets in ``original`` of ``hidden[start:end]``: a placeholder or label maps to the value it hides."""
    opcodes = difflib.SequenceMatcher(None, hidden, original, autojunk=False).get_opcodes()

    def place(position: int, *, closing: bool) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= position < i2 or (closing and position == i2 and i1 < i2):
                if tag == "equal":
                    return j1 + position - i1
                return j2 if closing else j1
        return len(original)

    return place(start, closing=False), place(end, closing=True)


def unsure(sentence: Sentence, findings: Sequence[Finding], config: LintConfig) -> bool:
    """Whether the offline lint is unsure of ``sentence``: neither a cue rule nor the agent analysis
    decided it, and the classifier's probability lies within ``UNSURE_BAND`` of its threshold."""
    if any(not _overridable(f) and f.category != "structure" for f in findings):
        return False
    return abs(blame_probability(sentence.text, config) - classifier.model().threshold) <= UNSURE_BAND


def _overridable(finding: Finding) -> bool:
    """Whether a model's verdict replaces ``finding``: the classifier's, and a name flagged only
    because the classifier flagged its sentence (not a listed name, not one the analysis found)."""
    return finding.source == "classifier" or (finding.rule_id == _NAMING and finding.source == "agent")


@dataclass
class JudgedRun:
    """Findings per linted text with the model's verdicts applied, and what the model was asked."""

    findings: list[list[Finding]]
    model: str
    sent: int = 0
    failures: list[str] = field(default_factory=list)

    def warning(self) -> str | None:
        """One line when the model judged some unsure sentences not at all, else ``None``."""
        if not self.failures:
            return None
        reason = " ".join(self.failures[0].split())[:200]
        return (
            f"model {self.model} did not judge {len(self.failures)} of {self.sent} unsure sentence(s) "
            f"({reason}); the offline findings stand for them"
        )


def lint_with_model(texts: Sequence[tuple[str, str]], config: LintConfig, judge: ModelJudge) -> JudgedRun:
    """Lint each ``(path, text)`` offline, then let ``judge`` decide the sentences the lint is unsure of.

    Each distinct unsure sentence is asked about once, ``judge.concurrency`` at a time.
    """
    offline = [lint_text(text, path=path, config=config) for path, text in texts]
    docs = [parse(text, skip_sections=config.skip_sections) for _, text in texts]
    asked: dict[str, Verdict | None] = {}
    plans: list[list[tuple[Sentence, list[Finding]]]] = []
    for doc, findings in zip(docs, offline, strict=True):
        plan = []
        for sentence, own in _by_sentence(doc, findings):
            if (
                config.enabled(MODEL_RULES)
                and not doc.silenced(sentence.start, MODEL_RULES)
                and unsure(sentence, own, config)
            ):
                plan.append((sentence, own))
                asked[sentence.text] = None
        plans.append(plan)
    run = JudgedRun(findings=[], model=judge.model, sent=len(asked))

    def ask(text: str) -> tuple[str, Verdict | str]:
        try:
            return text, judge.judge(text)
        except (ModelError, EndpointError) as exc:
            return text, str(exc) or type(exc).__name__

    with ThreadPoolExecutor(max_workers=judge.concurrency) as pool:
        for text, outcome in pool.map(ask, list(asked)):
            if isinstance(outcome, str):
                run.failures.append(outcome)
            else:
                asked[text] = outcome
    for (path, _), doc, findings, plan in zip(texts, docs, offline, plans, strict=True):
        replaced: set[int] = set()
        added: list[Finding] = []
        for sentence, own in plan:
            verdict = asked[sentence.text]
            if verdict is None:
                continue
            # A person named in a sentence the model finds blame-prone stays flagged.
            replaced |= {id(f) for f in own if _overridable(f) and not (verdict.blame_prone and f.rule_id == _NAMING)}
            found = _model_finding(doc, sentence, verdict, path, config, judge.model)
            if found is not None:
                added.append(found)
        kept = [f for f in findings if id(f) not in replaced]
        run.findings.append(sorted([*kept, *added], key=lambda f: (f.start, f.rule_id)))
    return run


def _by_sentence(doc: Markdown, findings: list[Finding]) -> list[tuple[Sentence, list[Finding]]]:
    """Each sentence of ``doc`` with the findings that start in it."""
    ordered = sorted(doc.sentences, key=lambda sentence: sentence.start)
    starts = [sentence.start for sentence in ordered]
    grouped: list[tuple[Sentence, list[Finding]]] = [(sentence, []) for sentence in ordered]
    for finding in findings:
        index = bisect_right(starts, finding.start) - 1
        if index >= 0:
            grouped[index][1].append(finding)
    return grouped


def _model_finding(
    doc: Markdown, sentence: Sentence, verdict: Verdict, path: str, config: LintConfig, model: str
) -> Finding | None:
    """The finding of a blame-prone verdict, unless its category is off or quiet in this section."""
    if not verdict.blame_prone:
        return None
    rule = blame_rule(verdict.category)
    rule_id = f"{MODEL_RULES}.{verdict.category}"
    if not (config.enabled(rule.id) and config.enabled(rule_id)) or sentence.kind in rule.quiet_in:
        return None
    if doc.silenced(sentence.start + verdict.start, rule_id):
        return None
    why = f"{rule.message}; judged by {model}: {verdict.why}"
    found = sentence_finding(doc, sentence, rule, (verdict.start, verdict.end), path, config, why, "model")
    return found.model_copy(update={"rule_id": rule_id, "severity": config.severity_of(rule_id, found.severity)})
