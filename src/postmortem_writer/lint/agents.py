"""Who did what: a person as the agent or owner of a failure, an omission, a mistake or a judgement.

The cue rules look for blaming words; this analysis looks for a structure. A sentence is found when
a person (a role, a pronoun standing for a person, "someone", a team, a first name or @handle) is
the doer of a failure verb in the same clause ("Mark skipped the canary", "nobody on the team
bothered to read the runbook", "the pilot's failure to maintain airspeed", "if the reviewer had
looked at the diff"), and not when the doer is a system ("the health check failed to detect it").
Verbs that are failures only in context ("pushed", "restarted", "merged") need a qualifier in the
same clause ("straight to production", "without telling anyone", "both nodes at once", "his own").

First names come from the US Census first-name lists of the ``names`` package, loaded on first use;
a capitalised subject that a later "he"/"she"/"his"/"her" refers to counts as a name too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import chain

from postmortem_writer.lint.rules import FIRST_PERSON, PERSON_WORDS, about_blame
from postmortem_writer.text import MONTHS, WEEKDAYS

# Roles and groups beyond the cue rules' list: accident reports, newsrooms and forum threads name
# pilots, crews and departments as doers.
_MORE_PEOPLE = (
    r"pilots?|co-?pilots?|captains?|first officers?|flight crews?|instructors?|cfis?|students?|trainees?|"
    r"nurses?|doctors?|surgeons?|drivers?|conductors?|dispatchers?|air traffic controllers?|controllers|"
    r"officers?|skippers?|mates?|lookouts?|traders?|staffers?|installers?|linem[ae]n|digger|mower|"
    r"owners?|bosses|ctos?|ceos?|cios?|vps?|pms?|qa|support|security|devops|folks?|people|users?|"
    r"coders?|programmers?|architects?|leads?|sres?|ops team|it (?:guys?|staff|department|team)|"
    r"nephew|friends?|man|woman|guys|dudes?|kid|personnel|humans?|they|them|us|me|my|our|mine|"
    r"physicians?|radiologists?|paramedics?|pharmacists?|anesthetists?|anesthesiologists?|clinicians?|"
    r"signalm[ae]n|signallers?|signalers?|shunters?|porters?|watchstanders?|detectives?|cops?|"
    r"police(?:m[ae]n|wom[ae]n)?|sergeants?|firefighters?|forem[ae]n"
)
_PERSON = rf"(?:{PERSON_WORDS}|{_MORE_PEOPLE}|{FIRST_PERSON})"
_PERSON_TOKEN = re.compile(rf"(?<![\w@-])(?:{_PERSON})(?![\w-])")
PERSON_TOKEN = re.compile(_PERSON)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][\w.-]*\w|(?<![\w.])(?:[A-Z]\.){2,}(?!\w)")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+")
# Things that do things in postmortems: a clause whose doer is one of these is about the system.
_SYSTEM = re.compile(
    r"\b(?:system|service|server|host|node|cluster|job|script|tool|process|check|alert|alarm|monitor(?:ing)?|"
    r"deploy(?:ment)?|release|update|upgrade|change|config(?:uration)?|code|bug|query|database|db|disk|"
    r"network|router|switch|pipeline|build|test|canary|rollout|automation|pager|page|software|program|"
    r"api|app|application|machine|device|component|module|library|file|version|feature|flag|rule|"
    r"backup|replica|primary|queue|cache|load balancer|balancer|proxy|dns|certificate|cert|key|token|"
    r"engine|aircraft|airplane|plane|train|ship|vessel|truck|car|reactor|valve|pump|breaker|generator|"
    r"storm|weather|power|outage|incident|failure|error|issue|problem|procedure|policy|runbook|"
    r"design|architecture|infrastructure|platform|provider|vendor|company|firm|organi[sz]ation)s?\b"
)
SYSTEM_TOKEN = re.compile(_SYSTEM.pattern.removeprefix(r"\b").removesuffix(r"\b"))

# The verbs of failure, by what they say about the doer. "act" verbs are neutral until qualified.
_OMISSION = (
    r"forgot|forgotten|forgets|neglected|neglects|omitted|overlooked|ignored|ignores|disregarded|"
    r"failed to|fails to|(?:missed|misses)(?! (?:(?:the|a|an|its|their|our|his|her|this|that) )?(?:[\w-]+ )?"
    r"(?:deadline|meeting|flight|train|bus|target|goal|window|call|opportunity|chance|game|point)s?\b)|"
    r"(?:skipped|skips|skipping)(?! out)|"
    r"(?:wasn't|weren't|was not|were not) (?:\w+ly )?"
    r"(?:bother|check|test|read|look|notice|follow|verify|review|ask|tell|think|realize|realise|see|"
    r"catch|consider|update|escalate|monitor|watch|listen|understand|recognize|recognise|know|"
    r"pay|use|install|copy|put|wait|confirm|double-check|document|communicate|warn|inform|stop|"
    r"watching|listening|paying)|"
    r"(?:should|could|would|must)(?:n't| not)?(?: have|'ve| of) (?:\w+ly )?"
    r"(?!(?:helped|prevented|reduced|limited|mitigated|shortened|improved|saved|allowed|enabled|avoided)\b)"
    r"(?:\w+ed|known|seen|caught|"
    r"done|made|read|run|taken|thought|told|given|found|been|gone|written|kept|spotted|noticed)|"
    r"bothered to|bother to|(?:was|were) (?:too )?(?:late|slow) to|"
    r"(?:far |much |way |a bit |way )?too (?:late|slowly|early|soon|long|quickly|fast)"
)
_MISTAKE = (
    r"broke|breaks|caused|causes|wiped|trashed|nuked|botched|bungled|screwed up|messed up|fucked up|"
    r"screwed|goofed|blundered|mistyped|misread|misjudged|misconfigured|mislabell?ed|misdirected|"
    r"fat[- ]?fingered|typo'd|panicked|panics|rushed|took (?:\w+ ){0,3}(?:down|out|offline)|"
    r"brought (?:\w+ ){0,3}down|knocked (?:\w+ ){0,3}(?:out|offline)|blew (?:\w+ ){0,2}(?:up|away)|"
    r"(?:made|makes|committed|commits) (?:(?:a|an|the|one|two|several|some|this|that|his|her|their|my|our|"
    r"similar|many|more|the same) )?(?:[\w-]+ ){0,3}?(?:mistake|error|typo|blunder|misjudgment|misjudgement|"
    r"bad call|slip|goof)s?|"
    r"accidentally|mistakenly|inadvertently|erroneously|wrongly|incorrectly|carelessly|recklessly|"
    r"unknowingly|unintentionally|unplugged|tripped over|fell for|kicked out|yanked|fell asleep|dozed off|"
    r"cut (?:the|a|an|another|through|into|off)? ?(?:[\w-]+ ){0,2}(?:cable|line|fib(?:er|re)|wire|power|pipe|main)s?"
)
# Acts that are failures only with a qualifier in the same clause.
_ACT = (
    r"pushed|pushes|deployed|deploys|merged|merges|ran|runs|executed|typed|entered|deleted|deletes|"
    r"dropped|drops|removed|removes|erased|destroyed|killed|crashed|cut|unplugged|switched (?:off|on)|"
    r"turned (?:off|on)|shut (?:down|off)|overrode|disabled|rebooted|restarted|reverted|restored|"
    r"changed|edited|applied|selected|chose|picked|used|opened|closed|flipped|pulled|kicked|tripped|"
    r"escalated|decided|approved|committed|checked in|released|rolled out|ignored|left|let|started|"
    r"clicked|hit|pressed|installed|upgraded|migrated|moved|copied|configured|set|sent|gave|told|triggered|"
    r"sparked|caused|operated|administered|took|cleared|raided|shot|severed|bypassed|dug|drove|hammered"
)
_QUALIFIER = re.compile(
    r"\b(?:wrong|incorrect|bad|untested|instead of|by mistake|by accident|without (?:\w+ing|any|a|the)|"
    r"straight (?:in)?to|directly (?:in)?to|both|all at once|at once|(?:his|her|their|my) own|"
    r"anyway|again|regardless|on a friday|at [0-9]+ ?[ap]m|at night|and went|without|on production|"
    r"to prod(?:uction)?\b|in prod(?:uction)?\b|against (?:the )?prod(?:uction)?\b|entire|whole|every|"
    r"too (?:late|early|soon|fast|quickly)|half[- ]?(?:cocked|assed|baked)|yolo|blindly|hastily|"
    r"the production database|production data|live data|dangerous|destructive|outage|blackout|crash|collision|"
    r"disaster|fire|explosion|meltdown|everything|everyone)"
)
_JUDGED = (
    r"(?:is|was|were|are|been|being|got|get) (?:\w+ly |so |too |very |just |completely |totally )?"
    r"(?:careless|lazy|sloppy|negligent|reckless|incompetent|clueless|stupid|dumb|an idiot|a moron|idiots|"
    r"morons|inexperienced|distracted|asleep|drunk|complacent|inattentive|overconfident|arrogant|"
    r"in a hurry|in too much of a hurry|not paying attention|at fault|to blame|responsible for (?:the|this|"
    r"that) (?:outage|incident|crash|accident|failure|mess|loss|disaster))"
)
# Any verb not done, when the doer is a role or a name ("the crew did not sense", "Bob does not acknowledge");
# pronouns tell stories ("I didn't walk away", "he didn't hit his head") and need the verbs above.
_NOT_DONE = (
    r"(?:didn't|did not|didnt|doesn't|does not|never|hadn't|had not) (?:\w+ly |even |ever )?"
    r"(?!(?:report|have|need|want|affect|result|involve|require|expect|lose|die|suffer|exist|occur|happen|"
    r"know of|seem|appear|mean|matter|work|get|hear|had|include|been|even|ever|believe|mind|feel|say)\b)[a-z]{3,}"
)
# Conduct that is careless whoever reads it: "was speeding", "was texting", "had been drinking"
_CARELESS = (
    r"(?:is|was|were|are|been|had been) (?:\w+ly |also |still )?(?:speeding|texting|drinking|intoxicated|"
    r"sleeping on (?:duty|watch|the job)|on (?:his|her|their) (?:phone|cell|cellphone|cell phone)|"
    r"using (?:a|his|her|their) (?:phone|cell|cellphone|cell phone)|looking at (?:a|his|her|their) (?:phone|cell))"
)
_PREDICATE = re.compile(
    rf"\b(?:(?P<omission>{_OMISSION})|(?P<not_done>{_NOT_DONE})|(?P<mistake>{_MISTAKE})|(?P<judged>{_JUDGED})|"
    rf"(?P<act>{_ACT}))\b"
)
# Searched only in sentences holding one of its words: in the alternation above it slows every sentence.
_CARELESS_PREDICATE = re.compile(rf"\b(?P<careless>{_CARELESS})\b")
_CARELESS_WORDS = ("speeding", "texting", "drinking", "intoxicated", "sleeping", "phone", "cell")
# Words that sit between a doer and its verb without changing who the doer is.
_FILLER = {
    "had",
    "has",
    "have",
    "was",
    "were",
    "is",
    "are",
    "then",
    "also",
    "just",
    "simply",
    "actually",
    "apparently",
    "reportedly",
    "allegedly",
    "probably",
    "likely",
    "obviously",
    "clearly",
    "again",
    "somehow",
    "still",
    "already",
    "even",
    "only",
    "immediately",
    "quickly",
    "later",
    "once",
    "both",
    "all",
    "himself",
    "herself",
    "themselves",
    "instead",
    "subsequently",
    "finally",
    "eventually",
    "soon",
    "supposedly",
    "evidently",
    "seemingly",
    "really",
    "ever",
    "had'",
    "'d",
    "who",
    "that",
    "and",
}
_CLAUSE = re.compile(
    r"[;:()\[\]\"\u201c\u201d]|\u2014|\u2013| - |, (?=(?:but|so|because|while|when|as|after|before|since|"
    r"although|though|which|where|whereas|yet|then|until)\b)|\b(?:because|although|though|whereas|unless|"
    r"which|where|when|while|after|before|since|until)\b|(?<=\w)[,.!?](?=\s|$)"
)
_THAT = re.compile(r"\b(?:that|whether|if)\b")
CLAUSE_SPLIT = re.compile(rf"{_CLAUSE.pattern}|{_THAT.pattern}", re.IGNORECASE)
_IF_HAD = re.compile(
    rf"\b(?:if|had) (?:only )?(?:the |a |an |our |their |his |her |that |this )?(?:[\w-]+ ){{0,2}}?"
    rf"(?P<who>{_PERSON}|[A-Z][a-z]+)(?: had(?:n't| not)?| have)? (?:\w+ly )?(?:\w+ed|known|seen|read|done|taken|run|"
    rf"caught|spotted|paid|thought|listened|been|gone|written|kept|given|told|asked)\b",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(
    r"(?P<owner>\b[\w@-]+)'s (?:own |[\w-]+ ){0,2}?(?P<noun>mistakes?|errors?|typos?|blunders?|fault|failures?|"
    r"negligence|carelessness|oversight|lapses?|slip|misjudge?ments?|decision|improper|inadequate|"
    r"exceedance|inability|distraction|flooding|delayed|poor|bad|wrong|incorrect|screw-?ups?|"
    r"fat[- ]finger|inattention|complacency|misreading|miscalculation)\b"
)
_OWN_MISTAKE = re.compile(
    r"\b(?P<who>my|your|his|her|their)(?: own)? (?:[\w-]+ )?(?P<noun>mistakes?|errors?|typos?|blunders?|fault|"
    r"screw-?ups?|fuck-?ups?|negligence|carelessness|oversight)\b",
    re.IGNORECASE,
)
_PASSIVE_BY = re.compile(
    rf"\b(?:caused|triggered|started|introduced|committed|pushed|deleted|removed|dropped|wiped|"
    rf"entered|typed|shut (?:down|off)|switched off|turned off|cut|done accidentally|run accidentally|"
    rf"run|broken|damaged|missed|skipped|ignored|overlooked) by (?:(?:an?|the|one|some|a single|his|her|"
    rf"their|our|that|this|two|several|lone|few) )?(?:[\w-]+ ){{0,3}}?(?P<who>{_PERSON})(?![\w-])",
    re.IGNORECASE,
)
# "human error", "operator error" and "pilot error" are the human_error rule's, which knows when they are
# only talked about; these are the roles it does not list.
_GROUP_ERROR = re.compile(
    r"\b(?P<who>controller|driver|engineer|staff|crew|technician|admin|developer|nurse|worker|dba|sysadmin)"
    r" (?:error|mistake|blunder|slip)s?\b"
)
_MISTAKE_BY = re.compile(
    rf"\b(?:mistakes?|errors?|blunders?|typos?|misjudge?ments?|failures?|screw-?ups?|fault) (?:made |committed )?"
    rf"(?:by|of) (?:(?:an?|the|one|some|a single|his|her|their|that|this|two|several|lone|few) )?(?:[\w-]+ ){{0,3}}?"
    rf"(?P<who>{_PERSON})(?![\w-])",
    re.IGNORECASE,
)
_DID_PERSON = re.compile(
    rf"\bdid (?:the |a |an |his |her |their |that )?(?:[\w-]+ ){{0,2}}?(?P<who>{_PERSON}) (?:fail to|not|never)\b",
    re.IGNORECASE,
)
# "the crew contributed to the incident by failing to notify", "found the nurse in breach for failing to":
# the person named before "failing to" is the one who did not act
_FAILING = re.compile(
    rf"\b(?P<who>{_PERSON})(?![\w-])[^.;:!?]{{0,80}}?\b(?:by|for|in|after) (?:repeatedly |allegedly )?failing to\b",
    re.IGNORECASE,
)
# "neither the surgeon nor the physician followed up": both people named as the ones who did not act
_NEITHER = re.compile(
    rf"\bneither (?:the |a |an |his |her |their )?(?:[\w-]+ ){{0,2}}?(?P<who>{_PERSON}) "
    rf"nor (?:the |a |an |his |her |their )?"
    rf"(?:[\w-]+ ){{0,3}}?(?:{_PERSON}) (?:had |ever |even |actually )?(?:followed up|\w+ed|knew|saw|caught|read|told|"
    rf"thought|understood|took|gave|paid)\b",
    re.IGNORECASE,
)
_NOBODY = re.compile(
    r"\b(?P<who>nobody|no one|no-one|none of (?:us|them|the \w+))(?: [\w-]+){0,3}? (?:had |ever |even |"
    r"actually |really )?(?:bothered|noticed|checked|caught|looked|read|tested|reviewed|thought|asked|told|"
    r"knew|realized|realised|followed|updated|fixed|verified|saw|spotted|monitored|responded|acted|"
    r"escalated|reported|owned|cared|questioned|challenged|stopped|raised|listened|watched|paid|"
    r"remembered|considered|tried|understood|documented)\b",
    re.IGNORECASE,
)
_PRONOUNS = r"i|he|she|they|you|it|we|them|him|her|me|us"
# a finding denied before what it would have said ("did not conclude that ..."), not "not only that ..."
_DENIED_REPORT = re.compile(
    r"(?:\b(?:not|never|no)|n't)(?: (?!just\b|only\b|merely\b|simply\b)\w+){1,2} (?:that|whether)\s*$"
)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "our", "their", "his", "her", "my", "your"})
_NOT_GERUNDS = frozenset({"during", "nothing", "something", "anything", "everything", "morning", "evening"})
# "everything I could have done", "all they could have known": what someone was able to do, not what they failed to
_CAPABILITY = re.compile(r"\b(?:everything|all|anything|whatever) (?:that )?\w+ (?:could|can|would)\b")
# "their error handling", "operator error rates": an error that is a thing of the system
_ERROR_COMPOUND = re.compile(r" (?:rate|budget|handling|code|message|log|page|count|path|case|state|report)s?\b")
# "controller error blamed in near-miss", "staff blamed for outage" assign blame: not talk about it
_BLAMED_FOR = re.compile(r"\bblam(?:ed|es) (?:for|in|over|after)\b")
_HE_SHE = re.compile(r"\b(?:he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![\w'@.-])[A-Z][a-z]{1,14}(?=['\u2019]s\b|[^\w'\u2019-]|$)")
_NOT_NAMES = frozenset(
    {
        *MONTHS,
        *WEEKDAYS,
        "will",
        "can",
        "page",
        "grant",
        "chase",
        "major",
        "king",
        "guy",
        "christian",
        "summer",
        "hope",
        "faith",
        "joy",
        "bill",
        "art",
        "mark",
    }
)
# Words that begin sentences capitalised without being anyone: the name list would take some for names.
_SENTENCE_WORDS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "it", "its", "there", "here", "then", "when", "if", "so"}
)

CATEGORY = {
    "omission": "counterfactual",
    "mistake": "individual_as_cause",
    "act": "individual_as_cause",
    "judged": "judgmental_characterization",
    "careless": "negligence_carelessness",
    "if_had": "counterfactual",
    "possessive": "individual_as_cause",
    "passive": "individual_as_cause",
    "group_error": "human_error",
    "nobody": "counterfactual",
}
WHY = {
    "omission": "a person is the one who did not do something",
    "mistake": "a person is the agent of a mistake",
    "act": "a person is the agent of a qualified act",
    "judged": "a person is judged",
    "careless": "a person is described acting carelessly",
    "if_had": "a counterfactual about what a person had done",
    "possessive": "the failure is put as a person's",
    "passive": "a passive failure names a person as its agent",
    "group_error": "a role is named as the error",
    "nobody": "nobody as the one who did not act",
}


@dataclass(frozen=True)
class Agent:
    """One person-as-agent structure in a sentence: what kind, the span from doer to verb, and the words.

    ``who_span`` and ``what_span`` are where the doer and the failure words stand in the sentence (the
    offline rewriter takes the doer out there).
    """

    kind: str
    start: int
    end: int
    who: str
    what: str
    who_span: tuple[int, int] = (0, 0)
    what_span: tuple[int, int] = (0, 0)

    @property
    def category(self) -> str:
        """The blame category this structure stands for."""
        return CATEGORY[self.kind]

    @property
    def why(self) -> str:
        """One line saying what the analysis saw."""
        return f"{WHY[self.kind]} ({self.who!r} \u2192 {self.what!r})"


@cache
def first_names() -> frozenset[str]:
    """Lower-case first names from the ``names`` package's census lists (read once, on first use)."""
    found: set[str] = set()
    base = resources.files("names")
    for file in ("dist.male.first", "dist.female.first"):
        for line in base.joinpath(file).read_text(encoding="utf-8").splitlines():
            word = line.split(" ", 1)[0].strip().lower()
            if len(word) > 1:
                found.add(word)
    return frozenset(found - _NOT_NAMES)


def names_in(text: str, known: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """Spans of people's names: handles, initials, titled names, census first names, a subject a pronoun
    refers to, and ``known`` names (``--people``)."""
    spans = [m.span() for m in _HANDLE.finditer(text)] + [m.span() for m in _TITLE.finditer(text)]
    if known is not None:
        spans += [m.span() for m in known.finditer(text)]
    pronoun = _HE_SHE.search(text)
    listed = first_names()
    for match in _CAPITALISED.finditer(text):
        word = match.group(0).lower()
        if word in _SENTENCE_WORDS:
            continue
        following = text[match.end() : match.end() + 12]
        if re.match(r"\s*(?:\d|[A-Z][a-z]+ (?:Inc|Corp|Ltd|LLC)\b)", following):  # "May 5", "Grant Corp"
            continue
        if word in listed or (pronoun is not None and pronoun.start() > match.end() and _subject(text, match)):
            surname = re.match(r" [A-Z][a-z]+(?=['\u2019]s\b|[^\w'\u2019-]|$)", text[match.end() :])
            spans.append((match.start(), match.end() + (surname.end() if surname else 0)))
    return sorted(set(spans))


def _subject(text: str, match: re.Match[str]) -> bool:
    """Whether a capitalised word starts its clause and is followed by a verb ("Raj merged ...")."""
    before = text[: match.start()].rstrip()
    at_start = not before or before[-1] in '.;:,(\u2014-"\u201c'
    after = text[match.end() :].lstrip()
    return at_start and bool(re.match(r"(?:\w+ly )?\w+(?:ed|'s|s)\b|(?:should|had|was|did|went|ran|made)\b", after))


def analyse(text: str, known: re.Pattern[str] | None = None, names: list[tuple[int, int]] | None = None) -> list[Agent]:
    """Every person-as-agent-of-a-failure structure in one sentence, in order.

    ``names`` are the name spans of ``names_in(text, known)`` when the caller has them already.
    """
    lowered = text.lower().replace("\u2019", "'")
    if about_blame(_BLAMED_FOR.sub(" ", lowered)):
        return []
    if names is None:
        names = names_in(text, known)
    found: list[Agent] = []
    careless = _CARELESS_PREDICATE.finditer(lowered) if any(w in lowered for w in _CARELESS_WORDS) else ()
    for match in chain(_PREDICATE.finditer(lowered), careless):
        kind = match.lastgroup or "act"
        clause_start = _clause_start(lowered, match.start())
        who = _doer(text, lowered, clause_start, match.start(), names)
        if who is None:
            continue
        clause = lowered[clause_start : _clause_end(lowered, match.end())]
        if kind == "act" and not _QUALIFIER.search(clause):
            continue
        if _CAPABILITY.search(lowered, max(0, who[0] - 25), match.end()):
            continue
        if _negated_subject(lowered, clause_start, who[0], match.start(), kind):
            continue
        if _DENIED_REPORT.search(lowered, 0, clause_start):
            continue  # "the report did not conclude that Williams fell asleep"
        if kind == "not_done":
            if re.fullmatch(_PRONOUNS, lowered[who[0] : who[1]]):
                continue
            kind = "omission"
        what = text[match.start() : match.end()]
        found.append(Agent(kind, who[0], match.end(), text[who[0] : who[1]], what, who, match.span()))
    patterns = (
        (_IF_HAD, "if_had", ("if ", "had ")),
        (_PASSIVE_BY, "passive", (" by ",)),
        (_MISTAKE_BY, "passive", (" by ", " of ")),
        (_DID_PERSON, "omission", ("did ",)),
        (_NOBODY, "nobody", ("nobody", "no one", "no-one", "none of")),
        (_FAILING, "omission", ("failing to",)),
        (_NEITHER, "nobody", ("neither",)),
    )
    straight = text.replace("\u2019", "'")
    for pattern, kind, gate in patterns:
        # each pattern needs a word that most sentences lack: test for it before running the pattern
        if not any(word in lowered for word in gate):
            continue
        for m in pattern.finditer(straight):
            who_span = m.span("who")
            if kind == "if_had" and not _is_person(text, who_span, names):
                continue
            if kind == "if_had" and not re.search(r"\bhad\b", m.group(0), re.IGNORECASE):
                continue  # "if you need to escalate", "if they fired someone": advice or a possibility
            if _negated_subject(m.string.lower(), m.start(), m.start(), who_span[0], kind):
                continue
            doer = text[who_span[0] : who_span[1]]
            found.append(Agent(kind, m.start(), m.end(), doer, m.group(0), who_span, m.span()))
    for m in _POSSESSIVE.finditer(straight) if "'s " in lowered else ():
        owner = m.span("owner")
        if _is_person(text, owner, names):
            found.append(
                Agent("possessive", owner[0], m.end(), m.group("owner"), m.group("noun"), owner, m.span("noun"))
            )
    for m in _OWN_MISTAKE.finditer(text):
        if _ERROR_COMPOUND.match(lowered, m.end()):
            continue
        if not re.search(r"\b(?:not|never|no)\b|n't\b", lowered[max(0, m.start() - 12) : m.start()]):
            found.append(
                Agent("possessive", m.start(), m.end(), m.group("who"), m.group("noun"), m.span("who"), m.span("noun"))
            )
    for m in _GROUP_ERROR.finditer(lowered) if (" error" in lowered or " mistake" in lowered) else ():
        if not _ERROR_COMPOUND.match(lowered, m.end()):
            found.append(Agent("group_error", m.start(), m.end(), m.group("who"), m.group(0), m.span("who"), m.span()))
    return sorted(found, key=lambda a: (a.start, a.end))


DETERMINERS = frozenset(
    "the a an one our their some another this that every each no his her its".split()  # noqa: SIM905
)
_CLAUSE_WORDS = frozenset(
    [
        "because",
        "when",
        "while",
        "after",
        "before",
        "since",
        "until",
        "although",
        "though",
        "if",
        "as",
        "and",
        "but",
        "so",
        "that",
        "which",
        "who",
        "where",
        "whereas",
        "then",
        "once",
        "yet",
    ]
)


def doer_start(text: str, who_start: int) -> int:
    """Where the doer's noun phrase starts: its determiner and up to three modifiers before the doer, or
    the phrase the doer post-modifies ("nobody on the team", "an engineer from the vendor")."""
    start = _own_start(text, who_start)
    head = re.search(r"(?P<head>[\w@-]+)\s+(?:on|in|at|from|of|with)\s+$", text[:start])
    if head and (PERSON_TOKEN.fullmatch(head.group("head").lower()) or head.group("head").lower() == "none"):
        return _own_start(text, head.start("head"))
    return start


def _own_start(text: str, who_start: int) -> int:
    before = list(re.finditer(r"[\w@/.-]+", text[:who_start]))
    for back, match in enumerate(reversed(before[-4:])):
        word = match.group(0).lower()
        if word in DETERMINERS:
            between = text[match.end() : who_start]
            return match.start() if not re.search(r"[,;:()]", between) else who_start
        if word in _CLAUSE_WORDS or back == 3 or re.search(r"[,;:()]", text[match.end() : who_start]):
            return who_start
    return who_start


def _clause_start(lowered: str, at: int) -> int:
    start = 0
    for boundary in _CLAUSE.finditer(lowered, 0, at):
        start = boundary.end()
    thats = list(_THAT.finditer(lowered, start, at))
    if thats:
        start = max(start, thats[-1].end())
    return start


def _clause_end(lowered: str, at: int) -> int:
    boundary = _CLAUSE.search(lowered, at)
    return boundary.start() if boundary else len(lowered)


def _doer(text: str, lowered: str, start: int, verb: int, names: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the person who does the verb at ``verb``, if the clause's doer is a person."""
    subject = lowered[start:verb]
    words = list(re.finditer(r"[\w@'-]+", subject))
    if not words:
        return None
    # the doer is the word before the verb once fillers are skipped, or a person it post-modifies
    # ("the engineer on call", "nobody on the team")
    index = len(words) - 1
    coordinated = False
    while index >= 0 and (words[index].group(0) in _FILLER or words[index].group(0).endswith("ly")):
        coordinated = coordinated or words[index].group(0) == "and"
        index -= 1
    if coordinated:
        # "the nephew and his friends were horsing around ... and tripped over": the doer of the first verb
        return _doer(text, lowered, start, start + words[index].end(), names) if index >= 0 else None
    for head in range(index, max(index - 4, -1), -1):
        word = words[head]
        span = (start + word.start(), start + word.end())
        if not (_is_person(text, span, names) or _PERSON_TOKEN.fullmatch(word.group(0))):
            continue
        if _object_of_gerund(words, head):
            return None  # "firing the intern doesn't make sense": the person is the object of an -ing verb
        between = subject[word.end() : words[index].end()]
        if head != index and not re.match(r"\s+(?:on|in|at|from|of|with|who)\b", between):
            return None
        if _SYSTEM.search(between) and not re.search(r"\bon (?:call|duty|shift)\b", between):
            return None
        if word.group(0) in {"we", "our", "us", "it"}:
            return None  # an organisation's own voice ("we deployed a fix") is not blame of a person
        if word.group(0) in {"them", "me", "my", "our", "mine", "people", "users", "humans"} and head != 0:
            return None  # objects and generic people ("trapped people in elevators and caused ...")
        return span
    return None


def _object_of_gerund(words: list[re.Match[str]], head: int) -> bool:
    """Whether the word at ``head`` is the object of an -ing verb ("firing the intern", not "the reviewing
    engineer")."""
    verb = head - 1 - (head > 0 and words[head - 1].group(0) in _DETERMINERS)
    if verb < 0 or not words[verb].group(0).endswith("ing") or words[verb].group(0) in _NOT_GERUNDS:
        return False
    return verb == 0 or words[verb - 1].group(0) not in _DETERMINERS


def _is_person(text: str, span: tuple[int, int], names: list[tuple[int, int]]) -> bool:
    word = text[span[0] : span[1]].lower().replace("\u2019", "'")
    if any(s <= span[0] < e for s, e in names):
        return True
    return bool(_PERSON_TOKEN.fullmatch(word)) and word not in {"we", "us", "our"}


def _negated_subject(lowered: str, clause: int, who: int, verb: int, kind: str) -> bool:
    """ "No one forgot", "it is never a single person who caused it": the structure is denied, not asserted."""
    if re.search(r"\b(?:no|none|neither|never|not)\b|n't\b", lowered[max(clause, who - 12) : who]):
        return True
    return kind != "omission" and bool(re.search(r"\b(?:not|never)\b|n't\b", lowered[who:verb]))
