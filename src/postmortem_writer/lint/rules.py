"""The blame-language rules as data: one rule per category described in ``BLAMELESS.md``.

Each rule has cue patterns; a cue only counts when its condition holds (``person``: a person, role
or team is the subject before the cue; ``negatable``: no "not/never/without" just before it). The
conditions are what keep machines that "failed to", future-tense "should" in action items, neutral
timeline entries and other senses (error rate, git blame, fault tolerance) quiet. Change wording or
add cues here, then add a case to ``tests/lint/test_blame_rules.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from postmortem_writer.models import Severity

# Public guidance each category rests on (BLAMELESS.md lists the sources by title and author).
_PAGERDUTY = "https://postmortems.pagerduty.com/"
_TRAPS = (
    "https://www.learningfromincidents.io/posts/"
    "how-the-video-three-analytical-traps-in-accident-investigation-helps-me-be-a-better-incident-analyst"
)
_MS_TRAPS = "https://learn.microsoft.com/en-us/training/modules/improve-reliability-failure/6-traps"
_COOK = "http://www.andrewclark.co.uk/all-media/all-media/how-complex-systems-fail"
_SRE_BOOK = "https://sre.google/sre-book/postmortem-culture/"

# People by role, pronoun or quantifier. Names and @handles are added per run (``--people``).
PERSON_WORDS = (
    r"engineers?|developers?|devs?|operators?|admins?|administrators?|sysadmins?|employees?|workers?|workman|"
    r"contractors?|sub-?contractors?|on-?call(?:er)?s?|sres?|responders?|reviewers?|deployers?|authors?|"
    r"team members?|staff|person|someone|somebody|anyone|anybody|nobody|no one|everyone|team|ops|interns?|"
    r"new hires?|juniors?|managers?|boss|directors?|incident commanders?|commanders?|guy|co-?workers?|"
    r"colleagues?|technicians?|mechanics?|electricians?|testers?|dbas?|analysts?|crews?|workmen|he|she|you|him|her"
)
FIRST_PERSON = r"i|we"

_NEGATION = re.compile(
    r"\b(?:not|never|no|nor|without|rarely|seldom|prevents?|avoids?|risk of|"
    r"don't|didn't|doesn't|shouldn't|won't|isn't|wasn't)\b|n't\b"
)
_META = re.compile(
    # "blame" talked about, not assigned: "blamed on X" and "the one to blame is X" assign it
    r"\bblam(?:e|es|ed|ing)\b(?! on\b)(?!(?<=to blame) (?:is|was|are|were)\b)|\bblameless\b"
    r"|\bpoint(?:s|ed|ing)? (?:the )?fingers?\b|\bfinger[- ]pointing\b|\bscapegoat(?:s|ed|ing)?\b"
    r"|\bunder the bus\b|\bcall(?:s|ed|ing)? (?:the |a |an |other |your )?[^.]{0,40}\b(?:stupid|idiots?|incompetent)\b"
    # a view reported and then rejected: "some say human error is the root cause, but I don't agree"
    r"|\b(?:i|we) (?:don't|do not) agree\b|\b(?:i|we) disagree\b"
    # sentences that reject the framing they quote: "... is not a solution", "... is never a root cause"
    r"|\b(?:is|are|was|were)(?: not|n't| never) (?:a |the )?(?:solution|root cause|cause|answer|fix)\b"
    r"|^none of (?:these|them|those)\b",
)
# Kept apart from _META: one alternation with these in it runs twice as slowly on every sentence.
_META_GENERAL = re.compile(
    # a single doer denied at a distance: "it's never a single person who caused it", "rarely the fault of
    # one person", "there is nobody below executive level that screwed up"
    r"\b(?:never|rarely|seldom|not)\b[^.;]{0,25}\b(?:a single|one single|just one|only one|one) "
    r"(?:person|individual|engineer|employee|operator|human)\b|\bthere (?:is|was) (?:nobody|no one)\b"
    # human fallibility in general, not a person's failure: "everyone makes mistakes", "people misread
    # instruments, forget steps ...", "even the best and brightest make mistakes"
    r"|\b(?:everyone|everybody|humans|people|we all)(?: \w+){0,2} (?:make|makes|forget|misread|misunderstand)\b"
    r"|\beven the best\b|\bto err is human\b|\bnobody(?:'s| is) perfect\b"
)


# A sanction spoken of as a possibility or denied, not as what happened: "I doubt anyone is going to get
# fired", "no good employer is going to fire someone", "if they fired someone", "I fear I may be fired"
_HYPOTHETICAL = (
    r"\b(?:if|unless|doubt|whether|may|might|fear|afraid|worried|going to|do not|don't|doesn't|no good|"
    r"healthy|never)\b"
)


@dataclass(frozen=True)
class Cue:
    """A pattern that suggests the category, and the condition under which it counts."""

    pattern: str
    person: bool = False  # a person must be the subject before the cue (same clause)
    person_after: bool = False  # a person must follow within three words ("why didn't the on-call …")
    first_person: bool = False  # with ``person``: "I" and "we" count as people too
    negatable: bool = True  # "not", "never", "without" just before the cue cancel it
    me: bool = False  # with ``person``: "I" counts (self-blame), "we" does not (an organisation's voice)
    unless_before: str = ""  # a regex over the lower-cased clause before the cue that cancels it

    def compiled(self) -> re.Pattern[str]:
        """The cue as a regex over lower-cased text (cheaper than IGNORECASE on every sentence)."""
        return re.compile(self.pattern)


@dataclass(frozen=True)
class Rule:
    """One ``blame.<category>`` rule: cues, severity, message and templates for rewording."""

    category: str
    severity: Severity
    message: str
    link: str
    suggestions: tuple[str, ...]
    cues: tuple[Cue, ...]
    keys: tuple[str, ...] = ()  # lower-case words one of which every cue match contains; a fast pre-check
    quiet_in: tuple[str, ...] = ()  # section kinds where the category is expected (see markdown.section_kind)
    meta_exempt: bool = True  # sentences about blame itself ("not blaming people") stay quiet
    compiled: tuple[tuple[Cue, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    gate: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    screen: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", tuple((cue, cue.compiled()) for cue in self.cues))
        gate = re.compile("|".join(re.escape(key) for key in self.keys)) if self.keys else None
        object.__setattr__(self, "gate", gate)
        # All cues in one pattern: one search tells whether any cue occurs at all, which for most
        # sentences saves trying each cue in turn.
        screen = re.compile("|".join(f"(?:{cue.pattern})" for cue in self.cues)) if self.cues else None
        object.__setattr__(self, "screen", screen)

    @property
    def id(self) -> str:
        """The stable rule id, ``blame.<category>``."""
        return f"blame.{self.category}"


_ERROR_ACTS = (
    # "caused" as an act: not "caused by" (its own cue) nor "the inconvenience caused."
    r"\b(?:caused(?! by\b)(?!\s*(?:[.,;:)]|$))|broke|took down|took (?:\w+ ){1,3}down|brought down|"
    r"brought (?:\w+ ){1,3}down|knocked out|wiped|mistakenly|accidentally|by mistake|inadvertently|"
    r"(?:messed|screwed|fucked) up|(?:drilled|dug) through|"
    r"cut (?:the|a|an|through) (?:[\w-]+ ){0,2}?(?:cable|fib(?:er|re)|line|wire|conduit)s?|"
    # verbs with an object, not adjectives ("due to misconfigured settings")
    r"(?:mis-?configured|mistyped|fat[- ]?fingered) (?=the |an? |its |their |his |her |our |\w+'s |\w+ing )|"
    r"made (?:an?|the|one) (?:[\w-]+ )?(?:mistake|typo|error|bad call)|"
    r"(?<!was )(?<!were )(?<!been )(?<!being )skipp(?:ed|ing)|for triggering|"
    r"(?:ran|runs?|executed?s?|entere?d?s?|push(?:ed|es)?|deploy(?:ed|s)?|typed?s?|dropped|drops?|opened|opens?|"
    r"install(?:ed|s)?|land(?:ed|s)?|set|sets|chose|chooses|picked|picks)\b[^.;]{0,60}?"
    r"\b(?:wrong|incorrect|bad|untested|instead of|backwards?))\b"
)

_EXPERT = r"(?:engineer|developer|operator|dba|sysadmin|admin|person|professional)s?"

RULES: tuple[Rule, ...] = (
    Rule(
        category="individual_as_cause",
        severity=Severity.WARNING,
        message="a person or team is the agent of the failure; make the change, tool or condition the subject",
        link=_PAGERDUTY,
        suggestions=(
            "At <time> <the change/command> ran against <target>; <what the system did>.",
            "<The tool/process> accepted <input> without <safeguard>, and <effect>.",
        ),
        keys=(
            "caus",
            "backward",
            "ed up",
            "through",
            "cut ",
            "config",
            "mistyp",
            "finger",
            "error",
            "blame",
            "fault",
            "blunder",
            "screw",
            "broke",
            "took",
            "brought",
            "knocked",
            "wiped",
            "mistak",
            "accident",
            "inadvert",
            "typo",
            "bad",
            "skipp",
            "trigger",
            "wrong",
            "incorrect",
            "untested",
            "instead of",
            " by ",
            "'s ",
        ),
        cues=(
            # "a junior developer might open a terminal and accidentally execute ...": a possibility, not an account
            Cue(_ERROR_ACTS, person=True, me=True, unless_before=r"\b(?:can|might|may)(?:\W+\w+){0,8}\W*$"),
            # the agent after a passive error verb: "the alerts were mistakenly silenced by someone monitoring"
            Cue(
                r"\b(?:mistakenly|accidentally|inadvertently|wrongly|incorrectly) \w+ed by (?:an?|the|one|some)? ?"
                rf"(?:[\w-]+ ){{0,3}}?(?:{PERSON_WORDS})\b"
            ),
            # "their mistake", "his blunder": the error is the person's
            Cue(r"\b(?:his|her|their) (?:own )?(?:mistakes?|blunders?|screw-?ups?)\b"),
            # "the guy to blame is the CTO", "the operator was at fault"
            Cue(r"\b(?:to blame|at fault)\b", person=True),
            Cue(
                r"\b(?:caused|triggered|entered|pushed|(?:mistakes?|errors?|typos?|blunders?) (?:was |were )?made) by "
                r"(?:an?|the|one) (?:[\w-]+ ){0,3}?"
                rf"(?:{PERSON_WORDS})\b"
            ),
            # "the developer's commit broke …", "the operator's mistake": the person is checked before the "'s"
            Cue(
                r"'s (?:[\w-]+ )?(?:change|commit|deploy|push|script)\b"
                r"[^.;]{0,40}\b(?:caused|broke|took|wiped|knocked)\b",
                person=True,
            ),
            Cue(r"'s (?:[\w-]+ )?(?:mistake|error|typo|blunder|fault)\b", person=True),
        ),
    ),
    Rule(
        category="counterfactual",
        severity=Severity.WARNING,
        message="describes what did not happen; say what did happen, what the person saw, and why it made sense",
        link=_TRAPS,
        suggestions=(
            "At <time> <role> saw <signal/cue> and <action taken>, because <what they knew then>.",
            "[question for the author: what did the responder see at <time>?]",
        ),
        keys=(
            "have",
            "'ve",
            "\u2019ve",
            "fail",
            "forgot",
            "neglect",
            "omit",
            "bother",
            "n't",
            " not",
            "never",
            "nobody",
            "no one",
            "no-one",
            "had",
            "if only",
            "missed",
            "without",
        ),
        cues=(
            Cue(
                r"\b(?:should|could|would|must)(?:n't| not)?(?: have|'ve|\u2019ve) "
                r"(?!(?<=could have |would have )(?:helped|prevented|reduced|limited|mitigated|shortened|improved|"
                r"saved|allowed|enabled|avoided)\b)(?:\w+ed|been|known|seen|caught|"
                r"spotted|done|made|"
                r"read|run|taken|gone|written|kept|thought|told|given|found|begun)\b",
                person=True,
                first_person=True,
                negatable=False,
                unless_before=r"\b(?:any|a|an) (?:seasoned|competent|experienced|reasonable|decent|good|half-decent)\b",
            ),
            Cue(r"\b(?:failed|omitted) to\b", person=True, first_person=True, negatable=False),
            # forgetting and neglecting are things only people do: any subject ("Bob forgot to run it")
            Cue(r"\b(?:forgot|neglected|didn't bother|did not bother) to\b", negatable=False),
            # "the on-call missed the alert", "the QA team missed the bug"
            Cue(
                r"\bmissed (?:the|an?|that|this|these|those|two|both|several|all) (?:[\w-]+ ){0,2}?(?:alerts?|alarms?|"
                r"pages?|warnings?|bugs?|errors?|signs?|signals?|steps?|checks?|issues?|problems?|regressions?|typos?)\b",
                person=True,
                first_person=True,
                negatable=False,
            ),
            # acting without a check: "the operator restarted it without checking the replica"
            Cue(
                r"\bwithout (?:first )?(?:checking|verifying|confirming|testing|realizing|realising|noticing|reading|"
                r"reviewing|consulting|looking)\b",
                person=True,
                negatable=False,
            ),
            # "if staff had followed the procedure, ..."
            Cue(
                r"\bif (?:the |a |an |our )?(?:[\w-]+ )?(?:" + PERSON_WORDS + r"|they|we) had(?:n't| not)? "
                r"(?:\w+ed|known|seen|read|done|taken|run|caught|spotted|paid)\b",
                negatable=False,
            ),
            Cue(
                r"\b(?:didn't|did not|never) (?:notice|check|test|tested|follow|catch|give|read|verify|realize|"
                r"realise|look|consider|think|update|escalate|page|ask|confirm|validate|review)\b",
                person=True,
                first_person=True,
                negatable=False,
            ),
            # past only: "you'll never do that again" is a promise, not a counterfactual
            Cue(r"\b(?:didn't|did not) (?:do|run|take)\b", person=True, first_person=True, negatable=False),
            Cue(
                r"\b(?:nobody|no one|no-one)\b (?:had |ever )?(?:noticed|checked|thought|tested|caught|updated|removed|"
                r"fixed|followed|reported|"
                r"looked|realized|realised|read|reviewed|verified)\b",
                negatable=False,
            ),
            Cue(r"\bwhy (?:didn't|did not|wasn't|weren't|hadn't)\b", person_after=True, negatable=False),
            Cue(r"\bwhy (?:didn't|did not|wasn't|weren't|hadn't) (?:they|he|she)\b", negatable=False),
            Cue(rf"\bdid (?:the |a |an )?(?:[\w/-]+ )?(?:{PERSON_WORDS})(?:/\w+)? not\b", negatable=False),
            Cue(rf"^(?:had|if only) (?:the |a |an )?(?:{PERSON_WORDS}|they|we)\b", negatable=False),
        ),
        quiet_in=("actions", "prevention"),
    ),
    Rule(
        category="negligence_carelessness",
        severity=Severity.ERROR,
        message="judges care or effort; name the pressure, trade-off or missing support instead",
        link=_PAGERDUTY,
        suggestions=(
            "<The change> was scheduled <when>, under <pressure/goal>; <the safeguard> was not in place because <why>.",
        ),
        keys=(
            "careless",
            "negligen",
            "slopp",
            "lazy",
            "lazi",
            "complacen",
            "inattentive",
            "reckless",
            "rushed",
            "hastily",
            "corners",
            "shortcut",
            "bother",
            "attention",
            "ignored",
            "disregarded",
        ),
        cues=(
            Cue(
                r"\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppily|lazy|laziness|complacen(?:t|cy)|"
                r"inattentive|reckless(?:ly)?|rushed|hastily|cut(?:ting)? corners|took a shortcut|didn't bother|"
                r"(?:couldn't|could not|can't|cannot|wouldn't|would not) be bothered|"
                r"not paying attention|(?:ignored|disregarded) (?:the |all |several |repeated )?"
                r"(?:warnings?|alerts?|alarms?|pages?))\b"
            ),
        ),
    ),
    Rule(
        category="human_error",
        severity=Severity.WARNING,
        message='"human error" names a label, not a mechanism; describe what made the slip easy and consequential',
        link=_MS_TRAPS,
        suggestions=(
            "<The tool/command> accepted <input> that <effect>, and did not show <what would have helped> first.",
        ),
        keys=(
            "error",
            "mistake",
            "failure",
            "slip",
            "finger",
            "pebkac",
            "picnic",
            "id10t",
            "layer 8",
            "unreliable",
            "unpredictable",
            "weakest",
        ),
        cues=(
            Cue(
                r"(?<!very )(?<!all too )(?<!perfectly )(?<!understandable )"
                r"\b(?:human|operator|user|pilot|employee|personnel|manual|people) (?:error|mistake|failure|slip)s?\b"
                r"(?![\"'\u201d]? (?:is|are) (?:just|really|simply|merely|usually|often|code|shorthand|inevitable|"
                r"unavoidable|normal|natural|expected|a label|a symptom|the starting point)\b"
                r"|[\"'\u201d]? (?:cascades|happens))",
                # the label itself talked about: "chalked up to 'pilot error'", "stop at human error",
                # "the possibility of human error", "what appears to be human error is caused by ..."
                unless_before=r"(?:\b(?:the|a) (?:conclusion|label|term|phrase|verdict)|\breported (?:to be|as)|"
                r"\blabel(?:l)?ed(?: as)?|\bdismissed as|\bwritten off as|\bput down (?:as|to)|\bchalked up to|"
                r"\bstop(?:s|ped|ping)? at|\bbehind|\bbeyond|\b(?:possibility|role|notion|myth|concept|idea) of|"
                r"\bappears to be|\bseems to be|\bpin(?:s|ned|ning)?\b[^.]{0,30}\bas|\buse)\s*[\"'\u2018\u201c]?$",
            ),
            Cue(r"\bfat[- ]?finger(?:ed|s|ing)?\b"),
            Cue(r"\b(?:pebkac|picnic|id10t|layer 8 (?:issue|problem|error))\b"),
            Cue(
                r"\b(?:unreliable|unpredictable|weakest) (?:part|variable|link|element)\b[^.]{0,60}\b(?:human|people|"
                r"operator)"
            ),
        ),
    ),
    Rule(
        category="hindsight_minimizing",
        severity=Severity.SUGGESTION,
        message="hindsight word makes the situation look simpler than it was; say what was visible, when, among what",
        link=_COOK,
        suggestions=("At <time> <signal> showed <value>; it was one of <n> <signals/panels> and <had/had no> alert.",),
        keys=("obvious", "clearly", "evident", "plain to see", "matter of", "anyone could", "any ", "just ", " would"),
        cues=(
            Cue(r"\bobviously\b(?! \w+ing\b)(?![^.]*, but\b)"),
            Cue(
                r"\bclearly,? (?:the|he|she|they|we|you|someone|it|this)\b[^.]{0,40}\b(?:should|must|was|were|"
                r"needed)\b"
            ),
            Cue(r"\b(?:should have been|was|were|is) (?:obvious|evident|plain to see)\b"),
            Cue(
                r"\b(?:a (?:simple|trivial) matter of|anyone could (?:have )?(?:see|seen|spot|spotted|tell|told)|"
                r"any (?:competent|reasonable|experienced|decent|good) (?:engineer|developer|operator|person|admin)|"
                r"just (?:needed|had) to)\b"
            ),
            # "mistakes that a seasoned DBA or sysadmin would not make"
            Cue(
                r"\b(?:any|a|an) (?:seasoned|competent|experienced|reasonable|decent) (?:[\w-]+ )?"
                rf"{_EXPERT}(?: or (?:[\w-]+ )?{_EXPERT})? would\b"
            ),
        ),
    ),
    Rule(
        category="single_root_cause",
        severity=Severity.WARNING,
        message="one cause, ending at a person; list the contributing conditions in system, process and tooling",
        link=_COOK,
        suggestions=("Contributing factors: <condition in the system>; <condition in the process>; <tooling gap>.",),
        keys=("cause", "down to"),
        cues=(
            Cue(r"\b(?:the )?(?:sole|only|single|one and only|ultimate|real|true) (?:root )?cause\b"),
            Cue(
                r"\broot cause(?: of (?:the|this|that)(?: [\w-]+){1,2}?)?(?: was| is|:)\s*(?:that )?(?:the |a |an )?"
                rf"(?:[\w-]+ )?(?:{PERSON_WORDS}|human)\b"
            ),
            Cue(
                r"\b(?:comes|came|boils|boiled) down to (?:one|a single) (?:bad |poor )?(?:decision|mistake|error|"
                r"person|call)\b"
            ),
        ),
    ),
    Rule(
        category="judgmental_characterization",
        severity=Severity.ERROR,
        message="judges character or competence; describe the decision and the information behind it",
        link=_TRAPS,
        suggestions=("<Role> chose <decision>; at that point <what they knew / what the tools showed>.",),
        keys=(
            "incompeten",
            "amateur",
            "rookie",
            "naiv",
            "clums",
            "ignorance",
            "marginal",
            "problem ",
            "troubled",
            "useless",
            "lazy",
            "weak",
            "poor ",
            "hired",
            "promoted",
            "clueless",
            "stupid",
            "dumb",
            "headed",
            "blunder",
            "botched",
            "bungled",
            "idiot",
            "nitwit",
            "slob",
            "moron",
            "judg",
            "bad ",
            "poorly written",
            "any ",
        ),
        cues=(
            Cue(
                r"\b(?:incompeten(?:t|ce)|amateur(?:ish)?|rookie (?:mistake|error|move)|"
                r"naive|naivety|naivete|ignorance|clumsy|clumsily|clueless|stupid|dumb|"
                r"bone-?headed|blunder(?:ed|s)?|botched|bungled|idiot(?:ic|s)?|nitwit|slob|moron(?:ic)?|"
                r"poor judge?ment|bad (?:call|decision)|poorly written)\b"
            ),
            Cue(r"\bany (?:competent|decent|good|half-decent) (?:engineer|developer|operator|admin|person)\b"),
            # the person judged as a kind of worker: "a marginal employee at best", "a problem employee"
            Cue(
                r"\b(?:marginal|problem|troubled|useless|lazy|weak|poor) (?:employee|engineer|worker|performer|"
                r"developer|hire|admin)s?\b"
            ),
            # "how do those people get hired"
            Cue(
                r"\bhow (?:do|did|does) (?:those |these |such |that |this )?(?:people|person|guys?|he|she|they|devs?|"
                r"engineers?|admins?) (?:even )?(?:get|got) (?:hired|promoted)\b"
            ),
        ),
    ),
    Rule(
        category="naming_individuals",
        severity=Severity.WARNING,
        message="names a person next to an error; use a role (the deployer, the on-call responder)",
        link=_PAGERDUTY,
        suggestions=("<time> the <role> <neutral action>; <what the system did>.",),
        cues=(),  # detected from names and handles in detect.py: it needs the people list, not a fixed pattern
    ),
    Rule(
        category="passive_aggressive",
        severity=Severity.WARNING,
        message="sarcasm or insinuation; state the fact and the recurring gap plainly",
        link=_SRE_BOOK,
        suggestions=("This is the <n>th incident in which <step> was skipped; the step is <manual/not enforced>.",),
        keys=(
            "again",
            "needless",
            "whatever",
            "laugh",
            "said",
            "mentioned",
            "stated",
            "told you",
            "somehow",
            "trust that",
            '"',
            "'",
            "\u2018",
            "\u201c",
        ),
        cues=(
            Cue(r"\b(?:yet again|once again|needless to say|for whatever reason|laugh if you will)\b"),
            Cue(r"\bas (?:we|i)(?: have|'ve)? (?:said|mentioned|stated|told you)\b"),
            Cue(r"\bas (?:was|has been|have been) (?:said|mentioned|stated)\b"),
            Cue(r"\bsomehow,? (?:nobody|no one|the|they|he|she|someone)\b"),
            Cue(r"\bwe trust that\b[^.]{0,60}\bwill actually\b"),
            Cue(
                "[\"'\u2018\u201c](?:tested|fixed|reviewed|verified|working|experts?|senior|quick fix|agile|"
                "tested thoroughly|thoroughly tested|best practices?|(?:db |database |senior |lead )?(?:admin|dba|"
                "sysadmin|engineer|developer|architect|professional)s?)[\"'\u2019\u201d]"
            ),
        ),
    ),
    Rule(
        category="person_focused_remediation",
        severity=Severity.WARNING,
        message="the fix is the people; propose a change to the system (guardrail, default, automation, alert)",
        link=_SRE_BOOK,
        suggestions=("Add <guardrail/confirmation/automation> to <tool> (owner: <team>, due: <YYYY-MM-DD>).",),
        keys=(
            "careful",
            "vigilant",
            "attentive",
            "cautious",
            "attention",
            "double-check",
            "remind",
            "train",
            "disciplin",
            "written up",
            "let go",
            "fired",
            "reassigned",
            "suspen",
            "demoted",
            "reprimanded",
            "sacked",
            "counsel",
            "fire ",
            "rotation",
            "hold ",
            "never do",
        ),
        cues=(
            Cue(r"\b(?:be|being) (?:more |extra )?(?:careful|vigilant|attentive|cautious)\b"),
            Cue(r"\b(?:pay|paying) (?:more |closer )?attention\b|\bdouble-check\b"),
            Cue(
                r"\bremind(?:ed|ing)? (?:all |the )?(?:engineers|everyone|the team|staff|people|developers|operators|"
                r"responders)\b"
            ),
            Cue(r"\b(?:re-?train(?:ed|ing)?|(?:more|additional|intensive|extra|refresher) training)\b"),
            Cue(r"\bdisciplin(?:ed|ary)\b|\bwritten up\b|\blet go\b", unless_before=_HYPOTHETICAL),
            Cue(
                r"\b(?:was|were|been|be|being|got|get|gets|getting|gotten|is|are) (?:\w+ )?"
                r"(?:fired|reassigned|suspended|demoted|reprimanded|sacked|counsel(?:l)?ed)\b",
                person=True,
                first_person=True,
                unless_before=_HYPOTHETICAL,
            ),
            # the person as the object: "the agency reassigned the employee", "the facility fired him"
            Cue(
                r"\b(?:fired|reassigned|suspended|demoted|reprimanded|sacked|disciplined) "
                rf"(?:the |an? |that |this |one )?(?:[\w-]+ )?(?:{PERSON_WORDS})\b"
                r"(?! (?:process|thread|node|pod|pool|queue)s?\b)",
                unless_before=_HYPOTHETICAL,
            ),
            # a suspension as a penalty: "a week's suspension", "a two-week suspension", "suspension without pay"
            # (not "the account suspension job" or "the suspension of writes")
            Cue(
                r"\b(?:(?:day|week|month)'s|(?:one|two|three|four|five|\d+)[- ](?:day|week|month)) suspension\b"
                r"|\bsuspension without pay\b"
            ),
            Cue(r"\bfire (?:him|her|them|someone|the)\b", unless_before=_HYPOTHETICAL),
            Cue(r"\bremoved from (?:the )?(?:on-?call )?rotation\b"),
            Cue(r"\bhold (?:someone|people|them|him|her|the \w+) (?:responsible|accountable)\b"),
            Cue(r"\bpromise\b[^.]{0,40}\bnever do (?:that|this|it) again\b"),
        ),
    ),
)

STRUCTURE_RULES: dict[str, tuple[Severity, str]] = {
    "structure.required_sections": (Severity.WARNING, "the postmortem has no {name} section"),
    "structure.recommended_sections": (
        Severity.SUGGESTION,
        "the postmortem has no {name} section; the template asks for one",
    ),
    "structure.action_item_owner": (Severity.WARNING, "action item has no owner"),
    "structure.action_item_due": (Severity.WARNING, "action item has no due date"),
    "structure.timeline_utc": (Severity.WARNING, "timeline time is not marked as UTC"),
    "structure.timeline_evidence": (Severity.SUGGESTION, "timeline entry cites no evidence"),
    "structure.impact_quantified": (Severity.WARNING, "impact is neither quantified nor marked unknown"),
    "structure.contributing_factors": (
        Severity.WARNING,
        "only {count} contributing factor(s); more than one should be considered",
    ),
}
"""Completeness rules: id -> (default severity, message template)."""


def rule_ids() -> list[str]:
    """Every rule id, blame and structure, in report order."""
    return [rule.id for rule in RULES] + list(STRUCTURE_RULES)


def blame_rule(category: str) -> Rule:
    """The rule of one blame category."""
    return _BY_CATEGORY[category]


# Asked for every sentence the lint reads: a lookup, not a walk through the rules.
_BY_CATEGORY = {rule.category: rule for rule in RULES}


def negated(before: str) -> bool:
    """Whether the last four words before a cue negate it ("not", "without", "rarely", "risk of")."""
    return bool(_NEGATION.search(" ".join(before.split()[-4:]).lower().replace("\u2019", "'")))


@lru_cache(maxsize=4096)  # asked by the cue rules, the agent analysis and the classifier of one sentence
def about_blame(lowered: str) -> bool:
    """Whether a lower-cased sentence talks about blame itself ("not blaming people", "... is not a solution")."""
    return bool(_META.search(lowered) or _META_GENERAL.search(lowered))
