"""Running the rules: sentences in, ``Finding``s out, for a Markdown text, one sentence, or a ``Draft``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice

from postmortem_writer.lint import classifier
from postmortem_writer.lint.agents import analyse, names_in
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.markdown import Markdown, Sentence, parse
from postmortem_writer.lint.rules import FIRST_PERSON, PERSON_WORDS, RULES, Rule, about_blame, blame_rule, negated
from postmortem_writer.lint.structure import check_structure
from postmortem_writer.models import Draft, Finding
from postmortem_writer.sections import SECTIONS
from postmortem_writer.text import WordScan, required_words

_CLAUSE = re.compile(r"[;:—]| - ")
# "engineers discovered that the cluster failed to ...": the subject of what was found comes after "that"
_REPORTED = re.compile(
    r"\b(?:discovered|found|noticed|saw|said|says|reported|showed|shows|realized|realised|confirmed|determined|"
    r"learned|noted|knew|believed|thought|assumed|suspected|concluded) that\b",
    re.IGNORECASE,
)
_HANDLE = r"(?<![\w@.])@[A-Za-z][\w.-]*[\w]"
_INITIALS = r"(?<![\w.])(?:[A-Z]\.){2,}(?!\w)"
_NAME_ERROR = r"'s (?:[\w-]+ )?(?:change|commit|deploy|push|script|mistake|error|typo|fault)\b"


# Section kinds that hold plans rather than accounts (see markdown.section_kind).
_PLANS = frozenset({"actions", "prevention"})

# A wording quotes an event when it holds the event's first words: at most this many, at least this many characters.
_QUOTED_WORDS = 6
_QUOTED_CHARS = 12
_WORD = re.compile(r"\w+")


def lint_text(text: str, *, path: str = "-", config: LintConfig | None = None, learned: bool = True) -> list[Finding]:
    """Every finding in a Markdown (or plain) text, in document order.

    ``learned=False`` runs the cue rules alone, without the agent analysis and the classifier.
    """
    config = config or LintConfig()
    return _lint(text, path, config, _active(config), learned=learned, clean=set(), heading=0, structure=True)


# A sentence's findings depend on its words, its section's kind and whether the learned methods run
# (for one configuration): a sentence found clean once is clean wherever it recurs.
_Clean = set[tuple[str, str, bool]]


def _lint(
    text: str,
    path: str,
    config: LintConfig,
    active: tuple[Rule, ...],
    *,
    learned: bool,
    clean: _Clean,
    heading: int,
    structure: bool,
) -> list[Finding]:
    """The findings of ``text``; a sentence of its first ``heading`` characters is checked only if not
    in ``clean``, and is added to it when it holds no finding."""
    doc = parse(text, skip_sections=config.skip_sections)
    findings: list[Finding] = []
    for sentence in doc.sentences:
        # Only a heading is remembered: rows repeat it, and rarely each other (a set of every
        # sentence would hold the whole draft's wording again).
        key = (sentence.text, sentence.kind, learned) if sentence.start < heading else None
        if key in clean:
            continue
        found = _check_sentence(doc, sentence, path, config, active, learned=learned)
        if found:
            findings.extend(found)
        elif key is not None:
            clean.add(key)
    if structure:
        findings.extend(check_structure(doc, path, config))
    findings = [f for f in findings if not doc.silenced(f.start, f.rule_id)]
    return sorted(findings, key=lambda f: (f.start, f.rule_id))


def _active(config: LintConfig) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.compiled and config.enabled(rule.id))


def lint_draft(draft: Draft, *, people: tuple[str, ...] = (), config: LintConfig | None = None) -> list[Finding]:
    """Findings in a draft's own wording, each with the draft field as its path (e.g. ``timeline[2]``).

    The evidence index is not linted: it quotes the sources, and the draft cannot reword them. For
    the same reason a wording that quotes one of the events it cites (the rules extractor's timeline
    rows and factor titles do) is checked by the cue rules alone: the agent analysis and the
    classifier judge the tool's own prose, not what a responder wrote.
    """
    config = (config or LintConfig()).with_people(people)
    active = _active(config)
    # Every row is linted under its section's heading: each heading is checked once.
    clean: _Clean = set()
    openings = {event.id: _opening(event.text) for event in draft.evidence_index}
    findings: list[Finding] = []
    for field, section, text, evidence in _draft_texts(draft):
        heading = f"## {section}\n" if section else ""
        cited = [openings[event_id] for event_id in evidence if event_id in openings]
        quoted = bool(cited) and _quotes(text, cited)
        # The structure checks are of whole documents, not of one field.
        linted = _lint(
            heading + text,
            field,
            config,
            active,
            learned=not quoted,
            clean=clean,
            heading=len(heading),
            structure=False,
        )
        for finding in linted:
            if finding.category != "structure":
                findings.append(_shift(finding, len(heading)))
    return findings


def _draft_texts(draft: Draft) -> Iterator[tuple[str, str, str, list[str]]]:
    """(field, section heading, text, cited ids) for every piece of generated wording in a draft."""
    yield "title", "", draft.title, []
    for section in SECTIONS:
        for index, item in enumerate(section.wordings(draft)):
            yield f"{section.wording}[{index}]", section.heading, section.text(item), getattr(item, "evidence", [])


def _opening(source: str) -> str:
    """The first words of a source text, as a wording that quotes it holds them."""
    # Words only: the draft shows a message without its markup (``*Production*`` reads "Production").
    # Read no further than they go: a source may be a pasted log of megabytes, cited by many rows.
    return " ".join(match.group() for match in islice(_WORD.finditer(source), _QUOTED_WORDS))


def _quotes(text: str, openings: list[str]) -> bool:
    """Whether ``text`` carries the opening words of one of its sources (a quote, perhaps trimmed at its end)."""
    words = " ".join(_WORD.findall(text))
    return any(len(opening) >= _QUOTED_CHARS and opening in words for opening in openings)


def _shift(finding: Finding, by: int) -> Finding:
    """A finding of ``## Section\\ntext`` re-based onto ``text`` alone."""
    return finding.model_copy(
        update={"start": finding.start - by, "end": finding.end - by, "line": finding.line - 1,
                "end_line": finding.end_line - 1}
    )  # fmt: skip


def rule_categories(text: str, config: LintConfig) -> set[str]:
    """The blame categories the cue rules alone find in ``text``."""
    return {f.category for f in lint_text(text, config=config, learned=False) if f.category != "structure"}


def _check_sentence(
    doc: Markdown, sentence: Sentence, path: str, config: LintConfig, active: tuple[Rule, ...], *, learned: bool
) -> list[Finding]:
    text = sentence.text
    lowered = _lower(text)
    people = _people_pattern(config.people)
    # Whether the sentence talks about blame itself, asked only once a rule matches: most
    # sentences match none, and the question is the costliest regex of all.
    meta: list[bool] = []

    def about() -> bool:
        if not meta:
            meta.append(about_blame(lowered))
        return meta[0]

    found: list[Finding] = []
    keys = _keys(tuple(rule.category for rule in active))
    held = keys.held(lowered) if keys is not None else None
    for rule in active:
        if sentence.kind in rule.quiet_in:
            continue
        if held is not None and keys is not None:
            if held.isdisjoint(rule.keys) or held.isdisjoint(keys.cue_words.get(rule.category, held)):
                continue
        elif rule.gate is not None and not rule.gate.search(lowered):
            continue
        if rule.screen is not None and not rule.screen.search(lowered):
            continue
        span = _first_match(rule, text, lowered, people)
        if span is not None and not (rule.meta_exempt and about()):
            found.append(sentence_finding(doc, sentence, rule, span, path, config))
    if learned:
        names = names_in(text, people)
    else:
        names = [m.span() for m in people.finditer(text)] if _maybe_named(config.people).search(text) else []
    if learned and not about():
        found.extend(_learned(doc, sentence, path, config, found, people, names))
    naming = blame_rule("naming_individuals")
    if config.enabled(naming.id):
        named = next(iter(names), None)
        if named and (found or re.match(_NAME_ERROR, text[named[1] :])) and not about():
            listed = people.fullmatch(text, *named) is not None
            why = naming.message + (
                "" if listed else "; a first name from the census lists, or a subject he/she refers to"
            )
            found.append(
                sentence_finding(doc, sentence, naming, named, path, config, why, "lexicon" if listed else "agent")
            )
    return found


def _learned(
    doc: Markdown,
    sentence: Sentence,
    path: str,
    config: LintConfig,
    found: list[Finding],
    people: re.Pattern[str],
    names: list[tuple[int, int]],
) -> list[Finding]:
    """Findings of the agent analysis when the cue rules found none (their categories are more precise),
    then of the classifier when neither found any."""
    if found:
        return []
    text = sentence.text
    agents = analyse(text, people, names)
    seen: set[str] = set()
    added: list[Finding] = []
    for agent in agents:
        rule = blame_rule(agent.category)
        if agent.category in seen or not _applies(rule, sentence, config):
            continue
        seen.add(agent.category)
        why = f"{rule.message}; agent analysis: {agent.why}"
        added.append(sentence_finding(doc, sentence, rule, (agent.start, agent.end), path, config, why, "agent"))
    if added or sentence.kind in _PLANS:
        # Action items and prevention are plans, while the classifier learned from accounts of what
        # happened ("ramp to max instead of opening all 20 at once" is no account of anyone's slip).
        return added
    model = classifier.model()
    features = classifier.features(text, names)
    probability = model.probability(features)
    if probability < model.threshold:
        return added
    reasons = model.reasons(features)
    rule = blame_rule(_classifier_category(features))
    if not _applies(rule, sentence, config):
        return added
    why = f"{rule.message}; classifier p={probability:.2f} from " + ", ".join(classifier.describe(r) for r in reasons)
    added.append(sentence_finding(doc, sentence, rule, _feature_span(text, reasons), path, config, why, "classifier"))
    return added


def blame_probability(text: str, config: LintConfig) -> float:
    """The classifier's probability that one sentence is blame-prone, its names found as the lint finds them."""
    return classifier.model().probability(classifier.features(text, people_in(text, config)))


def people_in(text: str, config: LintConfig) -> list[tuple[int, int]]:
    """Spans of the people's names in ``text`` that the lint finds (``config.people`` among them)."""
    return names_in(text, _people_pattern(config.people))


_OMISSION_WORDS = re.compile(r"\b(?:should|could|would|didn't|did not|forgot|failed|missed|never|nobody|no one|not)\b")


def _classifier_category(features: set[str]) -> str:
    """The category a classifier finding is filed under: what an omission or a doer suggests."""
    words = " ".join(f[2:] for f in features if f.startswith("w="))
    return "counterfactual" if _OMISSION_WORDS.search(words) else "individual_as_cause"


def _feature_span(text: str, reasons: list[str]) -> tuple[int, int]:
    """Where the strongest word feature sits in the sentence, else the whole sentence."""
    lowered = _lower(text)
    for reason in reasons:
        if reason.startswith(("w=", "b=")):
            words = reason[2:].replace("_", " ")
            match = re.search(rf"(?<![\w'])({re.escape(words)})(?![\w'])", lowered)
            if match:
                return match.span()
    return 0, len(text.rstrip())


def _applies(rule: Rule, sentence: Sentence, config: LintConfig) -> bool:
    return config.enabled(rule.id) and sentence.kind not in rule.quiet_in


def _lower(text: str) -> str:
    """``text`` lower-cased without changing its length, so offsets still point into ``text``.

    A typographic apostrophe (U+2019) becomes a plain one, one character for one.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered.replace("\u2019", "'")


def _first_match(rule: Rule, text: str, lowered: str, people: re.Pattern[str]) -> tuple[int, int] | None:
    for cue, pattern in rule.compiled:
        for match in pattern.finditer(lowered):
            before = text[: match.start()]
            if cue.negatable and negated(before):
                continue
            clause = _REPORTED.split(_CLAUSE.split(before)[-1])[-1]
            if cue.person and not _has_person(clause, cue.first_person, people, me=cue.me):
                continue
            if cue.unless_before and re.search(cue.unless_before, _lower(clause)):
                continue
            after = " ".join(text[match.end() :].split()[:3])
            if cue.person_after and not _has_person(after, True, people):
                continue
            return match.span()
    return None


def _has_person(words: str, first_person: bool, people: re.Pattern[str], *, me: bool = False) -> bool:
    if me and re.search(r"(?<![\w(-])[Ii](?![\w)-])", words):  # "I", and the "i" of chat
        return True
    if people.search(words):
        return True
    return any(not _in_proper_name(words, m.start(), m.end()) for m in _subject_pattern(first_person).finditer(words))


_CAPITALISED = re.compile(r"[A-Z][\w-]*")


def _in_proper_name(words: str, start: int, end: int) -> bool:
    """Whether a role word is part of a capitalised name ("the new Developer Story", "Team Foundation Server")."""
    if not words[start].isupper() or words[start:end].isupper():  # "I", "SRE", "OPS" are not names of things
        return False
    following = words[end:].split(maxsplit=1)
    preceding = words[:start].split()
    return bool(
        (following and _CAPITALISED.fullmatch(following[0].rstrip(",.;:")))
        or (preceding and _CAPITALISED.fullmatch(preceding[-1]) and len(preceding) > 1)
    )


def sentence_finding(
    doc: Markdown,
    sentence: Sentence,
    rule: Rule,
    span: tuple[int, int],
    path: str,
    config: LintConfig,
    message: str = "",
    source: str = "lexicon",
) -> Finding:
    """A finding of ``rule`` at ``span`` of ``sentence`` (offsets within its text), placed in ``doc``."""
    if doc.masked.startswith(sentence.text, sentence.start):
        # Nothing was collapsed in this sentence: its offsets are the text's own.
        start, end = sentence.start + span[0], sentence.start + span[1]
    else:
        start = sentence.start + _raw_offset(doc.masked, sentence.start, span[0])
        end = sentence.start + _raw_offset(doc.masked, sentence.start, span[1])
    return doc.finding(
        start, end, rule_id=rule.id, category=rule.category, severity=config.severity_of(rule.id, rule.severity),
        message=message or rule.message, path=path, sentence=sentence.text, section=sentence.section,
        suggestions=list(rule.suggestions), link=rule.link, source=source,
    )  # fmt: skip


def _raw_offset(text: str, start: int, index: int) -> int:
    """Where character ``index`` of a whitespace-collapsed sentence lies in the original, from ``start``."""
    position, seen = start, 0
    in_space = False
    while seen < index and position < len(text):
        if text[position].isspace():
            if not in_space:
                seen += 1
            in_space = True
        else:
            seen += 1
            in_space = False
        position += 1
    while position < len(text) and text[position].isspace() and in_space:
        position += 1
    return position - start


class _Keys:
    """Which keys of some rules, and which words their cues require, a lower-cased sentence holds,
    by one scan: most sentences hold none, and the rest few, where each rule's gate and the search
    of all its cues at once would be tried in turn."""

    def __init__(self, rules: list[Rule]) -> None:
        # A rule whose every cue requires a word (``required_words``) cannot match a sentence
        # holding none of them, though it holds one of the rule's keys ("config" without "misconfigured").
        self.cue_words: dict[str, frozenset[str]] = {}
        for rule in rules:
            words = [required_words(pattern) for _, pattern in rule.compiled]
            if all(words):
                self.cue_words[rule.category] = frozenset(word for each in words for word in each or ())
        self.scan = WordScan({key for rule in rules for key in rule.keys}.union(*self.cue_words.values()))

    def held(self, lowered: str) -> frozenset[str]:
        """The keys and cue words that occur in ``lowered``."""
        return self.scan.held(lowered)


@lru_cache(maxsize=16)
def _keys(categories: tuple[str, ...]) -> _Keys | None:
    """The keys of the rules of ``categories`` (``None`` when a rule has none: each gate is then searched)."""
    rules = [blame_rule(category) for category in categories]
    if any(not rule.keys for rule in rules):
        return None
    return _Keys(rules)


@lru_cache(maxsize=4)
def _subject_pattern(first_person: bool) -> re.Pattern[str]:
    words = PERSON_WORDS + ("|" + FIRST_PERSON if first_person else "")
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])|{_HANDLE}|{_INITIALS}", re.IGNORECASE)


def _name_variants(names: tuple[str, ...]) -> set[str]:
    """The names as the people pattern knows them: full, and the first name of a full name."""
    variants = {n.strip().lstrip("@") for n in names if n.strip()}
    return variants | {v.split()[0] for v in list(variants) if " " in v and len(v.split()[0]) >= 3}


@lru_cache(maxsize=16)
def _maybe_named(names: tuple[str, ...]) -> re.Pattern[str]:
    """What every match of the people pattern holds: an ``@``, a capital and a dot, or a name as written.

    Without the people pattern's look-behind in front, the regex engine skips at once every
    position whose character starts none of these, which rules out most sentences quickly. (The
    names are alternatives, not a trie: a trie nests one group per character, and a name can be
    thousands of characters long.)
    """
    return re.compile("|".join(["@", r"[A-Z]\.", *(re.escape(v) for v in sorted(_name_variants(names)))]))


@lru_cache(maxsize=16)
def _people_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """Known names (full, first, with or without @ and 's), @handles and dotted initials."""
    variants = _name_variants(names)
    alternatives = [rf"@?{re.escape(v)}" for v in sorted(variants, key=len, reverse=True)]
    alternatives += [_HANDLE, _INITIALS]
    return re.compile(rf"(?<![\w@])(?:{'|'.join(alternatives)})(?![\w])")
