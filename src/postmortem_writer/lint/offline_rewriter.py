"""Rewording without a model: the blamed doer taken out of a sentence's structure, every fact kept.

The sentence is changed in small steps, each one a row of a table or one structural move:

* judgement words go ("careless", "by mistake", "obviously"), and "human error" becomes "an error"
  (``EDITS``, a table with stable ids);
* a person's possession of the failure becomes an article ("the DBA's change" → "a change");
* a passive's "by <person>" goes ("entered by an S3 team member" → "entered");
* a person as the doer of an act becomes a passive with the act's object as subject ("Dana forgot to
  renew the certificate" → "the certificate was not renewed"; "an engineer ran the script" → "the
  script was run"), the doer found by the agent analysis (``agents.analyse``); a counterfactual about
  noticing ("should have noticed the alert at 02:10") becomes what happened ("the alert at 02:10 was
  not acted on"), "until" the next time of the draft's timeline when the rewriter is given one;
* a safeguard the sentence says was missing is named (``SAFEGUARDS``: "without review" → "the
  change did not require a review").

Where no step applies, or the doer's act has no object to become the subject, there is no rewrite
and ``NoRewrite`` says why: the rules' templates stand. ``reword`` verifies whatever comes out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from postmortem_writer.errors import PostmortemError
from postmortem_writer.lint.agents import DETERMINERS, PERSON_TOKEN, Agent, analyse, doer_start, names_in
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.rewrite import Rewrite
from postmortem_writer.lint.wording import FUNCTION_WORDS, is_verb, participle, stem
from postmortem_writer.models import Finding


class NoRewrite(PostmortemError):
    """No transformation of the sentence keeps its facts; the message says why."""


@dataclass(frozen=True)
class Edit:
    """One rule-like change of wording: every match of ``pattern`` (case-insensitive) becomes ``replacement``."""

    id: str
    pattern: str
    replacement: str
    why: str

    def compiled(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitively."""
        return re.compile(self.pattern, re.IGNORECASE)


_ROLE_ERROR = (
    r"(?:human|operator|user|pilot|employee|personnel|people|engineer|developer|staff|technician|admin|dba|"
    r"sysadmin|driver|controller|crew|nurse|worker)"
)
_ERROR_ADJECTIVE = r"(?:simple|accidental|pure|plain|basic|classic|obvious|stupid|careless|dumb|silly)"
_JUDGING_ADVERB = (
    r"(?:carelessly|mistakenly|accidentally|inadvertently|erroneously|wrongly|obviously|simply|clearly|"
    r"recklessly|hastily|lazily|sloppily|negligently|foolishly|stupidly|blindly|needlessly|somehow|evidently)"
)
_JUDGING_ADJECTIVE = (
    r"(?:careless|sloppy|lazy|reckless|stupid|incompetent|negligent|clueless|dumb|idiotic|bone-?headed|"
    r"amateurish|rookie|hasty|silly|foolish|inexperienced|complacent|inattentive)"
)

EDITS: tuple[Edit, ...] = (
    Edit("judgement.by-mistake", r",?\s*\bby (?:mistake|accident)\b", "", "'by mistake' judges the act, not the event"),
    Edit(
        "judgement.which-clause",
        rf",?\s+which (?:is|was) (?:\w+ )?{_JUDGING_ADJECTIVE}(?=\s*[.;!?]|$)",
        "",
        "a clause that only judges",
    ),
    Edit("judgement.of-course", r"(?<![\w-])of course,?\s+", "", "'of course' makes the slip look obvious"),
    Edit(
        "judgement.own-clause",
        rf"^(?:I|he|she|they) (?:was|were|am|is|are|got|get) (?:just |so |too |being )?{_JUDGING_ADJECTIVE},?\s+"
        r"(?:so|and|but)\s+",
        "",
        "a clause that only judges the doer, before what they did",
    ),
    Edit("judgement.adverb", rf"(?<![\w-]){_JUDGING_ADVERB},?\s+", "", "a judging adverb"),
    Edit("judgement.adverb-last", rf",?\s+{_JUDGING_ADVERB}(?=\s*[.,;!?]|$)", "", "a judging adverb"),
    Edit(
        "judgement.adjective",
        rf"(?<![\w-])(?<!being )(?<!been )(?<!was )(?<!were )(?<!is )(?<!are )(?<!be )(?<!so )(?<!too )(?<!very )"
        rf"{_JUDGING_ADJECTIVE}(?:\s+and\s+{_JUDGING_ADJECTIVE})?\s+"
        r"(?=(?!(?:the|a|an|his|her|their|its|to|and|or|at|about|with|but|so|because|when|if|then|as)\b)[a-z])",
        "",
        "a judging adjective before a noun",
    ),
    Edit(
        "human-error.quoted",
        rf"\b(?:(?:an?|some)\s+)?[\"\u201c](?:{_ERROR_ADJECTIVE}\s+)?{_ROLE_ERROR} (error|mistake|slip)[\"\u201d]",
        r"an \1",
        "a person as the error's kind, quoted",
    ),
    Edit(
        "human-error.plural",
        rf"\b(?:{_ERROR_ADJECTIVE}\s+)?{_ROLE_ERROR} (errors|mistakes|slips|failures)\b",
        r"\1",
        "a person as the errors' kind",
    ),
    Edit(
        "human-error.determiner",
        rf"\b(the|this|that|some|any|no|of) (?:{_ERROR_ADJECTIVE}\s+)?{_ROLE_ERROR} (error|mistake|slip|failure)\b",
        r"\1 \2",
        "the same, after a determiner",
    ),
    Edit(
        "human-error",
        rf"\b(?:an? )?(?:{_ERROR_ADJECTIVE}\s+)?{_ROLE_ERROR} (error|mistake|slip|failure)\b",
        r"a \1",
        "the same",
    ),
    Edit(
        "nobody.relative",
        r"\b(that|which) (?:nobody|no one|no-one) (?:ever )?([a-z]+ed)\b",
        r"\1 was not \2",
        "nobody as the doer of a relative clause",
    ),
    Edit(
        "possessive.pronoun-slips",
        r"\b(?:his|her|their|my)(?: own)? (mistakes|errors|typos|blunders|slips|oversights)\b",
        r"the \1",
        "the slips put as a person's",
    ),
    Edit(
        "possessive.pronoun-slip",
        r"\b(?:his|her|their|my)(?: own)? (mistake|error|typo|blunder|slip|oversight|misreading)(s?)\b",
        r"a \1\2",
        "the slip put as a person's",
    ),
    Edit(
        "possessive.pronoun-act",
        r"\b(?:his|her|their|my) own (?=[\w-]+)",
        "the ",
        "the act put as a person's own",
    ),
)

# What a person's possessive may stand before and become an article: the acts and slips of the work.
_POSSESSED = (
    r"(?:change|commit|deploy|deployment|push|script|command|query|config|configuration|migration|pr|"
    r"pull request|patch|update|code|mistake|error|typo|blunder|slip|oversight|decision|edit|action|fix|"
    r"rollout|release|upgrade|misreading|misconfiguration|failure|lapse|delay|inattention|distraction)s?"
)
_POSSESSIVE = re.compile(
    r"(?P<np>(?:\b(?:the|a|an|our|their|this|that|one|another)\s+)?(?:[\w-]+\s+){0,2}?)"
    r"(?P<who>[\w@.-]+)['\u2019]s\s+(?P<rest>(?:[\w-]+\s+)?" + _POSSESSED + r")\b",
    re.IGNORECASE,
)

# A safeguard the sentence says was missing, named as what the change did not require.
SAFEGUARDS: tuple[Edit, ...] = (
    Edit("safeguard.review", r"\s*\bwithout (?:a |any )?((?:code |peer )?review)\b", "did not require a {0}", "review"),
    Edit("safeguard.approval", r"\s*\bwithout (?:any |an )?(approval|sign-off)\b", "did not require {0}", "approval"),
    Edit("safeguard.canary", r"\s*\bwithout (?:a )?(canary)\b", "did not require a {0}", "canary"),
)

_BOUNDARY = (
    r"(?:to|from|in|on|at|against|for|with|without|into|onto|during|after|before|while|because|instead|and|but|"
    r"so|which|that|who|when|until|since|as|by|via|across|through|despite|even|or|than|down|out|offline|up|off|"
    r"over|back|twice|again|once|anyway|instead|too|yesterday|today|tonight|first|has|have|had|was|were|is|are|be|"
    r"been|will|would|could|should|can|may|might|must|did|does|do|upon|thru|later|earlier|last|much|"
    r"(?!(?:apply|supply|reply|rely|fly|comply|imply|multiply|ally|rally|bully|early|only)\b)[a-z]{2,}ly)"
)
_PARTICLE = r"(?:down|out|offline|up|off|over|back|away)"
_OBJECT = re.compile(
    r"(?P<obj>(?:(?:the|a|an|all|both|every|each|some|several|many|too many|two|three|four|five|six|\d+|his|her|"
    r"their|its|this|that|these|those|our|one|any)\s+)?"
    rf"(?:(?!{_BOUNDARY}\b)[\w/.:@`'\u2019%#-]+\s+){{0,5}}?(?!{_BOUNDARY}\b)[\w/@`'\u2019%#-]*[\w`%/])"
    rf"(?=\s+{_BOUNDARY}\b|\s*[,;:.!?)\u2014]|\s*$)",
    re.IGNORECASE,
)
# An adverb ending in -ly, not one of the verbs that end so ("apply", "supply", "reply").
_LY = r"(?!(?:apply|supply|reply|rely|fly|comply|imply|multiply|ally|rally|bully)\b)[a-z]{2,}ly"
_ADVERB = rf"(?:(?:{_LY}|even|ever|really|actually|just)\s+)?"
_VERB_GROUP = re.compile(
    r"(?P<cf>(?:should|could|would|must)(?P<cfneg>n['\u2019]t| not)?(?: have|['\u2019]ve| of))\s+"
    + _ADVERB
    + r"(?P<cfverb>[a-z-]+)"
    r"|(?P<omit>forgot|forgets|neglected|failed|fails|omitted|bothered|didn't bother|did not bother|"
    r"never bothered|chose not|decided not)\s+to\s+" + _ADVERB + r"(?P<omitverb>[a-z-]+)"
    r"|(?P<neg>didn['\u2019]t|did not|didnt|never|hadn['\u2019]t|had not)\s+" + _ADVERB + r"(?P<negverb>[a-z][a-z-]*)"
    r"|(?P<past>[a-z]+ed|ran|took|broke|cut|set|put|hit|shut|sent|left|let|made|gave|wrote|chose|forgot|"
    r"overrode|brought|knocked|blew|tore|threw|drove|froze|stole|caught|saw|read|kept|began|did)\b",
    re.IGNORECASE,
)
# Verbs that say only what caused something: with the doer gone and nothing after them, nothing is said.
_EMPTY_CAUSE = re.compile(r"\b(?:caused|triggered|started|initiated|brought about)$")
# Verbs whose particle may stand before the object ("took down the cluster", "switched off the power").
_PARTICLE_VERBS = frozenset(
    stem(verb)
    for verb in ["take", "took", "shut", "knock", "bring", "brought", "turn", "switch", "pull", "wipe", "cut",
                 "blow", "blew", "tear", "tore", "roll", "lock", "log", "back", "rule", "call", "power", "spin"]
)  # fmt: skip
# Verbs of noticing: their counterfactual or denial says what happened next ("was not acted on").
_NOTICING = frozenset(
    [
        "notice",
        "noticed",
        "see",
        "seen",
        "saw",
        "spot",
        "spotted",
        "catch",
        "caught",
        "acknowledge",
        "acknowledged",
        "react",
        "reacted",
        "respond",
        "responded",
        "ignore",
        "ignored",
        "disregard",
        "disregarded",
        "overlook",
        "overlooked",
        "miss",
        "missed",
        "heed",
        "heeded",
    ]
)
# What one acts on: a counterfactual about noticing one of these says it was not acted on.
_SIGNAL = re.compile(
    r"\s+(?:to\s+)?(?:the|a|an|that|this|these|those|all|both|two|three|several|its|\d+)?\s*(?:[\w-]+\s+){0,3}?"
    r"(?:alerts?|alarms?|pages?|warnings?|notifications?|messages?|signals?|emails?|tickets?|reports?|"
    r"errors?|indicators?|signs?|calls?)\b",
    re.IGNORECASE,
)
_HAPPENED_ANYWAY = frozenset(
    ["ignore", "ignored", "disregard", "disregarded", "overlook", "overlooked", "miss", "missed"]
)
_PLURALDETERMINERS = frozenset(
    ["all", "both", "several", "many", "two", "three", "four", "five", "six", "these", "those"]
)
_TIME = re.compile(r"\b(\d{1,2}:\d{2})\b")
_COUNT = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|several)"
_SPAN_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)"
_TWO_OBJECTS = re.compile(r"(?:the|a|an)\s+[\w-]+\s+(?:a|an|the)\s", re.IGNORECASE)
# What an object phrase may not open with: a clause or a reflexive is no subject for a passive.
_NOT_NOUN_PHRASE = re.compile(
    r"(?:that|what|how|why|where|when|whether|if|like|who|which|there|himself|herself|themselves|"
    r"yourself|myself|ourselves|me|him|her|us|you|i|he|she|we|they|of|to|for|in|on|at|with|about)\b",
    re.IGNORECASE,
)
# A doer among others: the last of a list, or one of a group; the passive would keep the rest behind.
_GROUP_BEFORE = re.compile(
    r"[\w-]+,\s+(?:[\w-]+,?\s+)?(?:and|or)$|\b(?:one|some|many|most|all|each|none|several|two|three|any|both)"
    r"\s+of(?:\s+(?:the|our|their|its|his|her|[\w-]+['\u2019]s))?$",
    re.IGNORECASE,
)
# Words after which a doer's noun phrase opens a clause: a conjunction, a reporting verb's past, punctuation.
_CLAUSE_OPENERS = frozenset(
    [
        "that",
        "because",
        "when",
        "whenever",
        "after",
        "before",
        "while",
        "since",
        "until",
        "once",
        "where",
        "if",
        "though",
        "although",
        "whereas",
        "and",
        "but",
        "so",
        "or",
        "then",
        "as",
        "why",
        "how",
        "what",
        "whether",
        "of",
        "to",
        "for",
        "with",
        "from",
        "about",
        "despite",
        "by",
        "without",
    ]
)


def _opens_clause(before: str) -> bool:
    """Whether the doer's phrase, after ``before``, begins a clause: the passive replaces the whole phrase,
    so a word of it left in ``before`` ("Work crews", "two contractors", "air traffic controllers") would
    stay behind as broken English."""
    stripped = before.rstrip()
    if _GROUP_BEFORE.search(stripped):
        return False  # "Nurses, anaesthetists, and surgeons failed …", "one of our engineers made …"
    if not stripped or stripped[-1] in ",;:(\u2014\u2013-\"\u201c'":
        return True
    if re.search(r"\d{1,2}:\d{2}(?:\s?(?:UTC|[AP]M))?$|\b(?:19|20)\d{2}$", stripped):
        return True  # "At 02:10 Dana …", "In 2017 an engineer …": a time, then the clause
    last = re.search(r"([A-Za-z'\u2019]+)$", stripped)
    if last is None:
        return False
    word = last.group(1).lower()
    if word in _CLAUSE_OPENERS:
        return True
    # "Reports claimed a worker …", "the spokesman said an engineer …": a verb in the past, not the first word
    return len(stripped.split()) > 1 and bool(
        re.fullmatch(
            r"[a-z]+ed|said|found|saw|knew|thought|wrote|says|"
            r"claims|reports|shows|showed|reveals|suggests",
            word,
        )
    )


@dataclass(frozen=True)
class _Predicate:
    """The doer's act as the rewrite needs it: whether it happened, its participle and object."""

    start: int  # the verb group's start
    end: int  # the end of the object and its particle
    negative: bool
    negation: str  # "not", or "never" where the original said so
    verb: str  # participle, or "acted on"
    obj: str
    plural: bool
    particle: str


class OfflineRewriter:
    """A ``Rewriter`` that needs no model: it rewrites from the sentence's structure (see the module).

    ``times`` are the draft's timeline times (``HH:MM``): a counterfactual about noticing an alert at
    one of them ends "until" the next one. Without them it stops at "was not acted on".
    """

    def __init__(self, times: Sequence[str] = ()) -> None:
        self.times = sorted({t for t in times if _TIME.fullmatch(t)})

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        """The rewritten sentence; ``NoRewrite`` with the reason when no transformation keeps its facts."""
        # The doers first, while the judgement words that make an act a mistake ("mistakenly ran")
        # are still there for the analysis to see; then the judgement words; then any doer left.
        text, applied = self._doers(sentence, guess=True)
        text, edited = apply_edits(text, EDITS)
        text, more = self._doers(text, guess=not applied)
        applied += edited + more
        if not applied:
            raise NoRewrite(_no_rewrite_reason(sentence))
        text = tidy(text)
        if text.strip(" .") == "" or not re.search(r"[A-Za-z]{3}", text):
            raise NoRewrite("only a judgement of a person is left: nothing to keep")
        broken = _broken(text)
        if broken:
            raise NoRewrite(f"the rewrite would not read as English ({broken!r}): the template stands")
        return Rewrite(
            text=text,
            categories_addressed=sorted({f.category for f in findings}),
            rationale="offline: " + ", ".join(applied),
        )

    def _doers(self, text: str, *, guess: bool) -> tuple[str, list[str]]:
        """``text`` with each person-as-doer the analysis finds taken out, and the steps taken; ``guess``:
        a person before a verb may be taken for the doer in the first round."""
        applied: list[str] = []
        for _ in range(4):  # each round takes one doer out; a sentence rarely holds more than two
            if applied and not [f for f in lint_text(text) if f.category != "structure"]:
                break  # blameless now: a further round would only rewrite people who are not blamed
            changed = self._one_doer(text, guess=guess and not applied)
            if changed is None:
                break
            text, step = changed
            applied.append(step)
        return text, applied

    def _one_doer(self, text: str, *, guess: bool = True) -> tuple[str, str] | None:
        """``text`` with its first person-as-doer taken out, and the step's id; None when none can be."""
        names = names_in(text)
        possessive = _possessive(text, names) or _why_not(text) or _acting(text, names)
        if possessive is not None:
            return possessive
        # a person before a verb is a guess at the doer: only for the sentence as the lint flagged it
        for agent in analyse(text, None, names) or (_subjects(text, names) if guess else []):
            if agent.kind == "passive":
                moved = _drop_by_agent(text, agent)
            elif agent.kind in {"omission", "mistake", "act", "nobody"}:
                moved = self._passive(text, agent)
            else:
                moved = None
            if moved is not None and moved[0] != text:
                return moved
        return None

    def _passive(self, text: str, agent: Agent) -> tuple[str, str] | None:
        """The doer's clause as a passive with the act's object as its subject."""
        who_start, who_end = agent.who_span
        start = doer_start(text, who_start)
        for name_start, name_end in names_in(text):
            if name_start < who_start and not text[name_end:who_start].strip(" "):
                start = min(start, name_start)  # "Bob Lindqvist": the whole name is the doer
        between = text[who_end : agent.what_span[0]]
        if agent.kind == "nobody":
            between = text[who_end : agent.what_span[1]]
            verb_at = _last_verb(text, who_end, agent.what_span[1])
        else:
            verb_at = agent.what_span[0]
        if verb_at is None:
            return None
        predicate = _predicate(text, verb_at, nobody=agent.kind == "nobody")
        if predicate is None:
            return None
        lead = _lead(between[: verb_at - who_end] if agent.kind == "nobody" else between)
        if lead is None:
            return None
        subject = _as_subject(predicate.obj)
        aux = "were" if predicate.plural else "was"
        pronoun = text[who_start:who_end].lower() in {"i", "he", "she", "they", "you", "we"}
        if pronoun:
            start = who_start  # "that he deleted": "that" joins the clause, it is no determiner of "he"
        before = text[:start]
        if not _opens_clause(before) and (
            not pronoun or re.search(r"\b(?:the|a|an|this|my|our|his|her|their)\s+[\w-]+\s*$", before, re.IGNORECASE)
        ):
            return None  # "Work crews cut …", "two contractors opened …": the doer's modifiers would stay behind
        # "after" and "before" also join clauses: "after a wrong line was cut", not "after … being cut"
        gerund = bool(re.search(r"\b(?:of|to|for|with|from|about|despite|by|without)\s+$", before))
        aux = "being" if gerund else aux
        words = [subject, aux] + ([predicate.negation] if predicate.negative else []) + [predicate.verb]
        if gerund and predicate.negative:
            words = [subject, "not", "being", predicate.verb]
        if predicate.particle:
            words.append(predicate.particle)
        clause = " ".join(words)
        rest = text[predicate.end :]
        if re.match(r",\s+(?:[\w-]+\s+){0,3}[\w-]+,?\s+(?:and|or)\s+[\w-]+", rest):
            return None  # "filed charges of X, Y and Z": the object is the first of a list the passive would split
        if _EMPTY_CAUSE.match(predicate.verb) and re.match(r"\s*(?:[,.;:!?]|$)", rest):
            return None  # "the outage was caused.": with the doer gone, nothing is said
        if re.search(r"\bwho\b", between) and not re.match(
            r"\s*(?:[,.;:!?\u2014]|$|(?:in|on|at|for|from|to|into|against|during|after|before|while|when|because|"
            r"with|without|and|but)\b)",
            rest,
        ):
            return None  # "the employee who launched the alarm has been reassigned": the main clause goes on
        coordinated = _coordinated(rest)
        if coordinated is None:
            return None
        rest = coordinated
        step = "passive"
        if predicate.verb == "acted on" and self.times:
            clause, step = self._until(clause, text), "acted-on"
        rest, safeguard = _safeguard(rest, subject)
        if safeguard:
            step += "+safeguard"
        prefix = text[:start]
        if lead:
            clause = f"while {lead}, {clause}" if not prefix.strip() else f"{clause} while {lead}"
        return prefix + _capital_if_first(prefix, clause) + rest + safeguard, step

    def _until(self, clause: str, text: str) -> str:
        """ "until" the first timeline time after the sentence's own time, if there is one."""
        stated = _TIME.findall(text)
        if not stated:
            return clause
        later = [t for t in self.times if t.zfill(5) > stated[-1].zfill(5)]
        return f"{clause} until {later[0]}" if later else clause


# Person words that are no doer of a rewritable act: the organisation's voice, objects, generic people.
_NOT_DOERS = frozenset(["we", "us", "our", "it", "them", "me", "my", "mine", "people", "users", "humans", "folks"])


def _subjects(text: str, names: list[tuple[int, int]]) -> list[Agent]:
    """People followed by a verb group, for the sentences the cue rules flag and the analysis does not
    parse ("a senior engineer deployed a config change that took down …", "why didn't you test it?")."""
    found = []
    spans = [m.span() for m in PERSON_TOKEN.finditer(text.lower())] + names
    for start, end in sorted(set(spans)):
        word = text[start:end]
        if word.lower() in _NOT_DOERS or (start and text[start - 1].isalnum()) or text[end : end + 1].isalnum():
            continue
        if re.search(r"\b(?:and|or)\s+$", text[:start]):
            continue  # one of two doers ("a co-worker and I entered"): the passive would drop the other
        gap = re.match(rf"\s+(?:(?:then|also|just|again|later|still|already|once|{_LY}),?\s+)*", text[end:])
        at = end + (gap.end() if gap else 0)
        verb = _VERB_GROUP.match(text, at)
        if gap is None or verb is None or (verb.group("past") and len(verb.group("past")) < 4):
            continue
        found.append(Agent("act", start, verb.end(), word, verb.group(0), (start, end), verb.span()))
    return found


_DOUBLE_DETERMINER = re.compile(
    r"\b(?:a|an|the|one|another|his|her|their|my|our|your)\s+(?:a|an)\s+|"
    r"\b(?:a|an)\s+(?:[\w-]+\s+)?(?:mistakes|errors|slips|failures|typos)\b",
    re.IGNORECASE,
)
_MODIFIED_ERROR = re.compile(r"\b([\w'\u2019-]+)\s+(?:a|an)\s+(?:error|mistake|slip|failure|typo)\b", re.IGNORECASE)


def _broken(text: str) -> str:
    """The part of ``text`` that does not read as English after words were taken out, "" when none: two
    determiners in a row ("an a mistake"), "a" before a plural, or a modifier left before a new article
    ("individual an error", "Amazon a typo")."""
    double = _DOUBLE_DETERMINER.search(text)
    if double:
        return double.group(0).strip()
    for match in _MODIFIED_ERROR.finditer(text):
        word = match.group(1).lower()
        if word not in FUNCTION_WORDS and not is_verb(word) and not word.endswith(("ed", "ly", "'s", "\u2019s")):
            return match.group(0)
    return ""


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, list[str]]:
    """``text`` with every edit of ``edits`` applied in order, and the ids of those that changed it."""
    applied = []
    for edit in edits:
        changed = edit.compiled().sub(edit.replacement, text)
        if changed != text:
            applied.append(edit.id)
            text = changed
    return text, applied


def tidy(text: str) -> str:
    """Spacing and punctuation made whole after words were taken out; the first letter a capital; a/an agreed."""
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])\s*([,.;:])", r"\2", text)
    text = re.sub(r"^\s*[,;:]\s*", "", text)
    text = re.sub(r"\b([Aa])n? (?=([A-Za-z0-9]))", _article, text)
    text = text.strip()
    return _capital(text)


def _capital(text: str) -> str:
    """``text`` with a capital first letter, unless it opens with a command or code ("rm -rf", "kubectl")."""
    first = text.split(" ", 1)[0]
    if not first or not first.isalpha() or not re.search(r"[aeiouy]", first, re.IGNORECASE):
        return text
    return text[:1].upper() + text[1:]


def _article(match: re.Match[str]) -> str:
    """ "a" or "an" for the word that follows, by its first letter (the cases prose meets most)."""
    following = match.string[match.end() :]
    if re.match(r"[A-Z](?:[A-Z]+|\d[\w-]*)\b", following):  # an acronym ("an S3 bucket") is read by its letters' names
        vowel = following[0] in "AEFHILMNORSX"
    else:
        vowel = bool(re.match(r"[aeio]|u(?!ni|se|sa|ser|ti)", following, re.IGNORECASE))
    silent_h = following.lower().startswith(("hour", "honest", "heir"))
    word = "an" if (vowel or silent_h) and not following.lower().startswith(("one", "eu")) else "a"
    return (word.capitalize() if match.group(1).isupper() else word) + " "


def _possessive(text: str, names: list[tuple[int, int]]) -> tuple[str, str] | None:
    """ "The DBA's careless change" → "a change": a person's possessive before an act or slip."""
    for match in _POSSESSIVE.finditer(text):
        who = match.group("who")
        person = bool(PERSON_TOKEN.fullmatch(who.lower())) or any(s <= match.start("who") < e for s, e in names)
        if not person or who.lower() in {"it", "we", "our"}:
            continue
        start = match.start("who")
        np = match.group("np")
        # the possessor's phrase starts at its last determiner: "was the operator's mistake" → "was a mistake",
        # "an engineer's little mistake" → "a little mistake", never "the a …"
        for word in reversed(list(re.finditer(r"[\w-]+", np))):
            if word.group(0).lower() in DETERMINERS and word.group(0).lower() != "that":  # "sure that Bob's …"
                start = match.start("np") + word.start()
                break
        rest = match.group("rest")
        article = "the" if re.search(r"s$", rest.strip()) and not rest.strip().endswith("ss") else "a"
        replaced = f"{article} {rest}"
        return text[:start] + _capital_if_first(text[:start], replaced) + text[match.end() :], "possessive"
    return None


_WHY_NOT = re.compile(
    r"^(?P<lead>.*?)\bwhy (?:didn't|did not|didnt|hadn't|had not)\s+(?:the |a |an |our )?(?:[\w-]+ )??"
    r"(?P<who>you|he|she|they|[\w-]+)\s+(?=[a-z])",
    re.IGNORECASE,
)


def _why_not(text: str) -> tuple[str, str] | None:
    """ "Why didn't you test it?" → "It was not tested.": the question's act, said as what did not happen."""
    match = _WHY_NOT.match(text)
    if match is None or not (
        match.group("who").lower() in {"you", "he", "she", "they"} or PERSON_TOKEN.fullmatch(match.group("who").lower())
    ):
        return None
    rest = "did not " + text[match.end() :]
    predicate = _predicate(rest, 0, nobody=False)
    if predicate is None:
        return None
    subject = _as_subject(predicate.obj)
    clause = f"{subject} {'were' if predicate.plural else 'was'} not {predicate.verb}"
    if predicate.particle:
        clause += f" {predicate.particle}"
    tail = re.sub(r"\?\s*$", ".", rest[predicate.end :])
    lead = match.group("lead")
    return lead + _capital_if_first(lead, clause) + tail, "why-not"


def _drop_by_agent(text: str, agent: Agent) -> tuple[str, str] | None:
    """ "entered by an S3 team member" → "entered": the passive's "by <person>" taken out."""
    by = text.rfind(" by ", agent.start, agent.who_span[0] + 1)
    if by < 0 or re.match(r"\s+(?:error|mistake|slip|failure)s?\b", text[agent.who_span[1] :]):
        return None
    if re.search(r"\b(?:between|of|with|from|for|in|on|at|to|and|or)\b", text[by + 4 : agent.who_span[0]]):
        return None  # "by a miscommunication between the dispatcher and …": the person is not the by-phrase
    end = agent.who_span[1]
    while (more := re.match(r"\s+([\w-]+)", text[end:])) and PERSON_TOKEN.fullmatch(more.group(1).lower()):
        end += more.end()  # "a junior developer", "a team member": the doer's head noun goes too
    tail = re.match(r"\s+(?:on (?:call|duty|shift)|in charge)\b", text[end:])
    if tail:
        end += tail.end()
    acting = re.match(rf"\s+(?:{_LY}\s+)*([a-z]+ing)\s+", text[end:])
    if acting:
        # "caused by a developer executing a DROP command on …" → "caused by a DROP command executed on …"
        form = _ing_participle(acting.group(1))
        obj = _OBJECT.match(text, end + acting.end())
        if obj is None or any(PERSON_TOKEN.fullmatch(w.lower()) for w in obj.group("obj").split()):
            return None  # "by a contractor training employees": people as the object, not a thing done
        return text[: by + 4] + obj.group("obj") + f" {form}" + text[obj.end() :], "by-agent-acting"
    if re.match(r"\s+(?:of|from|at|in|with|who|that)\b", text[end:]):
        return None  # "by one employee of the power company": what is left would not read
    if _EMPTY_CAUSE.search(text[:by]) and re.match(r"\s*(?:[,.;:!?]|$)", text[end:]):
        return None  # "was caused by a worker, it has been revealed": without the worker, no cause is left
    return text[:by] + text[end:], "by-agent"


_ACTING = re.compile(
    r"\b(?P<lead>was|is|were|are|of|from|to|about|after|before)\s+(?P<np>(?:the|a|an|one|our|their)\s+"
    r"(?:[\w-]+\s+){0,2}?)(?P<who>[\w@.-]+)\s+(?P<ing>[a-z]{3,}ing)\s+",
    re.IGNORECASE,
)


def _acting(text: str, names: list[tuple[int, int]]) -> tuple[str, str] | None:
    """ "The root cause was the on-call engineer skipping a runbook step" → "… was a runbook step being
    skipped": a person as the subject of a gerund, the gerund's object made its subject."""
    for match in _ACTING.finditer(text):
        who = match.group("who")
        person = bool(PERSON_TOKEN.fullmatch(who.lower())) or any(s <= match.start("who") < e for s, e in names)
        if not person or match.group("ing").lower() in {"during", "nothing", "something", "anything", "thing"}:
            continue
        obj = _OBJECT.match(text, match.end())
        found = obj.group("obj") if obj else ""
        if not found or _NOT_NOUN_PHRASE.match(found) or _TWO_OBJECTS.match(found):
            continue
        if any(PERSON_TOKEN.fullmatch(w.lower()) for w in found.split()):
            continue  # "a contractor training employees": people as the object, not a thing done
        clause = f"{found} being {_ing_participle(match.group('ing'))}"
        return text[: match.start("np")] + clause + text[match.end() + len(found) :], "acting"
    return None


def _ing_participle(verb: str) -> str:
    """The past participle of an -ing form: "executing" → "executed", "running" → "run"."""
    base = verb[: -len("ing")]
    candidates = (base, base + "e", base[:-1] if len(base) > 2 and base[-1] == base[-2] else base)
    return participle(next((c for c in candidates if is_verb(c)), base))


def _coordinated(rest: str) -> str | None:
    """ ", and didn't test it" after a passive: the second act of the same doer, said as a passive too;
    None when that second act has no object to become its subject."""
    joint = re.match(
        r"(,?\s+(?:and|but|then)\s+)"
        r"(?=(?:didn['\u2019]t|did not|did|never|forgot to|failed to|neglected to|made|took|ran|broke|put|sent|left|"
        r"gave|wrote|chose|[a-z]{3,}ed)\b)",
        rest,
    )
    if joint is None:
        return rest
    if re.match(r"did\s", rest[joint.end() :]):
        return None  # "but did check the text": an emphatic act of the same doer, which has no passive
    predicate = _predicate(rest, joint.end(), nobody=False)
    if predicate is None:
        return None  # "shrugged his shoulders and acted like …": the second act would lose its doer
    subject = _as_subject(predicate.obj)
    aux = "were" if predicate.plural else "was"
    words = [subject, aux, predicate.negation, predicate.verb] if predicate.negative else [subject, aux, predicate.verb]
    return joint.group(1) + " ".join(words) + rest[predicate.end :]


def _last_verb(text: str, start: int, end: int) -> int | None:
    """Where the verb of a "nobody …" match starts: its last word (or "bothered to")."""
    words = list(re.finditer(r"[\w'-]+", text[start:end]))
    return start + words[-1].start() if words else None


def _predicate(text: str, at: int, *, nobody: bool) -> _Predicate | None:
    """The verb group at ``at``, its object and particle; None when the act has no object to become a subject."""
    adverbs = re.match(rf"(?:{_LY}\s+)*", text[at:], re.IGNORECASE)
    verb = _VERB_GROUP.match(text, at + (adverbs.end() if adverbs else 0))
    if verb is None:
        return None
    if verb.group("cf"):
        form, negative = verb.group("cfverb"), not verb.group("cfneg")
        pp = form.lower()
    elif verb.group("omit"):
        form, negative = verb.group("omitverb"), True
        pp = participle(form)
    elif verb.group("neg"):
        form, negative = verb.group("negverb"), True
        # "did not check" takes the base form; "never saw", "had not seen" a past one
        pp = participle(form, past=not verb.group("neg").lower().startswith("did"))
    else:
        form, negative = verb.group("past"), nobody
        pp = participle(form, past=True)
    position = verb.end()
    both = re.match(r"\s+(?:and|or)\s+([a-z]+)(?=\s)", text[position:])
    if both and (verb.group("omit") or verb.group("cf") or verb.group("neg")) and is_verb(both.group(1)):
        # "failed to monitor and maintain a safe airspeed": one object for two verbs in the same form
        second = both.group(1).lower() if verb.group("cf") else participle(both.group(1), past=False)
        pp, position = f"{pp} and {second}", position + both.end()
    elif form.lower() in _NOTICING and (form.lower() in _HAPPENED_ANYWAY or _SIGNAL.match(text, position)):
        negative = negative or form.lower() in _HAPPENED_ANYWAY
        pp = "acted on"
    after = re.match(r"\s+(?:to\s+)?", text[position:]) if pp == "acted on" else re.match(r"\s+", text[position:])
    if after is None:
        return None
    position += after.end()
    particle = ""
    first = re.match(
        rf"({_PARTICLE})\s+(?=the|a|an|all|both|his|her|their|its|my|our)\b", text[position:], re.IGNORECASE
    )
    if first and stem(form.lower()) not in _PARTICLE_VERBS:
        first = None  # "resigned over the incident": a preposition, not a particle
    if first:
        particle, position = first.group(1), position + first.end()
    obj = _OBJECT.match(text, position)
    if obj is None:
        return None
    end = obj.end()
    if not particle:
        late = re.match(rf"\s+({_PARTICLE})\b", text[end:], re.IGNORECASE)
        if late:
            particle, end = late.group(1), end + late.end()
    found = obj.group("obj")
    if (
        _NOT_NOUN_PHRASE.match(found)
        or _TWO_OBJECTS.match(found)
        or re.search(rf"\s(?:\d+|a few|{_COUNT})\s+(?:{_SPAN_UNIT})$", found)
    ):
        # "believed that there was …": a clause, not a thing; "gave a patient a medication": two objects;
        # "her error two days": a duration run into it
        return None
    plural = _plural(found)
    if pp == "acted on":
        # "the alert at 02:10": the time belongs to what was not acted on
        when = re.match(
            r"\s+(?:at|from|on) (?:the )?(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s?(?:UTC|[AP]M))?|[\w/-]*\d[\w/-]*)", text[end:]
        )
        if when and not particle:
            found, end = found + when.group(0), end + when.end()
    if PERSON_TOKEN.fullmatch(found.lower()) and found.lower() not in {"it"}:
        return None  # a person as the object ("told him"): the passive would name them as the subject
    negation = "never" if (verb.group("neg") or "").lower() == "never" else "not"
    return _Predicate(verb.start(), end, negative, negation, pp, found, plural, particle)


def _lead(between: str) -> str | None:
    """What stood between the doer and the verb, as a "while …" phrase, "" when nothing worth keeping."""
    kept = re.sub(r"\b(?:who|that|had|has|have|was|were|then|also|just|again|already|still|actually|"
                  r"eventually|finally|later|subsequently|instead)\b|\b\w+ly\b", " ", between)  # fmt: skip
    kept = re.sub(
        r"^\s*,?\s*(?:on (?:call|duty|shift)|in charge|on (?:the |that |this )?(?:[\w-]+ )?team|from [\w-]+)\b",
        " ",
        kept,
    )
    kept = " ".join(kept.replace(",", " ").split())
    if not kept:
        return ""
    if re.match(r"[a-z]+ing\b", kept):
        return kept
    if re.match(r"(?:of|from|at|with|in) ", kept):
        return ""  # "an employee of the sub-contractor": who the doer was, which goes with the doer
    return None


def _as_subject(obj: str) -> str:
    """The object phrase as a subject: a person's determiner becomes "the", an object pronoun its subject form."""
    lowered = obj.lower()
    if lowered in {"it", "them"}:
        return {"it": "it", "them": "they"}[lowered]
    return re.sub(r"^(?:his|her|their|my)(?: own)?\s+", "the ", obj, flags=re.IGNORECASE)


def _plural(obj: str) -> bool:
    # "a line of spaces", "gigabytes of data": the head noun before "of" gives the number, unless it
    # only counts ("a number of handbrakes", "a lot of files")
    head, _, _ = obj.lower().partition(" of ")
    quantity = re.search(r"\b(?:number|lot|couple|majority|bunch|handful|dozen)$", head)
    words = (obj.lower() if quantity else head).split()
    if not words:
        return False
    if words[0] in _PLURALDETERMINERS or (words[0].isdigit() and words[0] != "1") or obj.lower() == "them":
        return True
    if obj.lower().startswith("too many"):
        return True
    last = words[-1].strip("`")
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "'s", "\u2019s")) and len(last) > 3


def _safeguard(rest: str, subject: str) -> tuple[str, str]:
    """``rest`` without its "without <safeguard>", and the clause naming it ("; the change did not require
    a review")."""
    for edit in SAFEGUARDS:
        match = edit.compiled().search(rest)
        if match is None or re.search(r"[.;!?]", rest[: match.start()]):
            continue
        named = re.sub(r"^(?:a|an|the)\s+", "", subject, flags=re.IGNORECASE)
        clause = f"; the {named} " + edit.replacement.format(match.group(1))
        rest = rest[: match.start()] + rest[match.end() :]
        ending = re.search(r"[.!?]*\s*$", rest)
        cut = ending.start() if ending else len(rest)
        return rest[:cut], clause + rest[cut:]
    return rest, ""


def _capital_if_first(prefix: str, clause: str) -> str:
    """``clause`` with a capital when it opens the sentence, else in lower case where it began with a capital word."""
    if not prefix.strip(" \"'\u201c\u2018(\u2014-"):
        return _capital(clause)  # '"I made a mistake," he said' → '"A mistake was made," he said'
    if re.match(r"(?:The|A|An)\b", clause):
        return clause[:1].lower() + clause[1:]
    return clause


def _no_rewrite_reason(sentence: str) -> str:
    """Why the offline rewriter left a flagged sentence alone, as one line for the author."""
    agents = analyse(sentence) or _subjects(sentence, names_in(sentence))
    if any(agent.kind == "judged" for agent in agents):
        return "only a judgement of a person: no event to keep once it is taken out"
    if any(agent.kind == "if_had" for agent in agents):
        return "a counterfactual 'if … had': what happened instead is not in the sentence"
    if agents:
        agent = agents[0]
        return (
            f"the doer {agent.who!r} of {agent.what!r} cannot be taken out: the act has no object to become "
            "the subject, or nothing is said without the doer"
        )
    return "no person-as-doer structure or judgement word the offline rewriter knows"
