"""The cue-phrase tables the rules extractor runs on, kept as data.

Every cue has a stable id (``det.alert-fired``, ``act.we-should``) so a test table can name the
rule each example sentence is meant to trip, and a change to a pattern shows up as a changed
expectation rather than as a silent drift in drafts. Patterns are case-insensitive unless they
say otherwise; they run on ``normalise``-d text, one sentence at a time where the caller says so.

A table's ``negatives`` veto the whole table for that text: they hold the hard negatives
("we should be fine now" is not an action item, "no alert fired" is not a detection).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from postmortem_writer.models import TimelineKind


@dataclass(frozen=True)
class Cue:
    """One pattern with a stable id; ``category`` and ``label`` mean what the owning table says."""

    id: str
    pattern: re.Pattern[str]
    category: str = ""
    label: str = ""


def cue(cue_id: str, regex: str, *, category: str = "", label: str = "", flags: int = re.IGNORECASE) -> Cue:
    """A compiled cue (case-insensitive by default)."""
    return Cue(cue_id, re.compile(regex, flags), category, label)


@dataclass(frozen=True)
class CueTable:
    """Cues tried in order; any matching negative means the table does not apply to the text."""

    cues: tuple[Cue, ...]
    negatives: tuple[Cue, ...] = ()

    def search(self, text: str) -> tuple[Cue, re.Match[str]] | None:
        """The first cue that matches ``text`` with its match, unless a negative matches."""
        if any(negative.pattern.search(text) for negative in self.negatives):
            return None
        for item in self.cues:
            found = item.pattern.search(text)
            if found is not None:
                return item, found
        return None

    def find_all(self, text: str) -> Iterator[tuple[Cue, re.Match[str]]]:
        """Every non-overlapping match of every cue, earlier cues winning overlaps."""
        if any(negative.pattern.search(text) for negative in self.negatives):
            return
        taken: list[tuple[int, int]] = []
        for item in self.cues:
            for found in item.pattern.finditer(text):
                start, end = found.span()
                if all(end <= s or start >= e for s, e in taken):
                    taken.append((start, end))
                    yield item, found


_EMOJI = r"(?::[a-z][a-z0-9_+-]*:|:\+1:|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2705\uFE0F\u200D])"
_QUESTION_END = cue("neg.question", r"\?\s*$")

# --- chat noise: a message is noise when nothing but these (and punctuation) is left -----------

NOISE = CueTable(
    (
        cue("noise.joined", r"^\S+(?:\s+\S+){0,3}\s+(?:has\s+)?joined(?:\s+the\s+(?:channel|call|bridge|room))?\W*$"),
        cue("noise.take-a-look", r"\b(?:i'?ll|i will|will|going to|gonna)\s+(?:take|have) a look\b|\btaking a look\b"),
        cue("noise.looking", r"\blooking(?:\s+(?:into it|at it|now))?\b"),
        cue("noise.on-it", r"\bon it\b"),
        cue("noise.plus-one", r"(?<![\w+]):?\+1:?(?!\d)"),
        cue("noise.ack", r"\back(?:nowledged)?\b"),
        cue("noise.thanks", r"\b(?:thanks|thank you|thx|ty|cheers)\b"),
        cue("noise.lol", r"\b(?:lol|lmao|ha(?:ha)+)\b"),
        # "all", "folks" and "team" only ever remain from "thanks all" and the like.
        cue("noise.ok", r"\b(?:ok|okay|kk|yep|yes|yeah|sure|np|no problem|will do|roger|same|brb|all|folks|team)\b"),
        cue("noise.emoji", _EMOJI + "+"),
    ),
)

_MENTION = re.compile(r"@[\w.'-]+")
_WORD = re.compile(r"[^\W_]")

# --- timeline classification, in precedence order: the first kind whose table matches wins ------

_NOT_YET = r"\b(?:not|isn'?t|hasn'?t|haven'?t|never|until|once|before|if)\s+(?:\w+\s+)?"

TIMELINE_CUES: dict[TimelineKind, CueTable] = {
    TimelineKind.RESOLUTION: CueTable(
        (
            cue("res.recovery-confirmed", r"\brecovery (?:is )?confirmed\b"),
            cue("res.resolved", r"\bresolved\b"),
            cue("res.recovered", r"\b(?:fully )?recovered\b"),
            cue("res.back-to-normal", r"\bback to normal\b"),
            cue("res.all-clear", r"\ball[- ]clear\b"),
            cue(
                "res.metric-back",
                r"\b(?:error rate|errors|5xx|latency|p\d{2,3}|traffic|throughput|success rate)\s+"
                r"(?:is\s+|are\s+|has\s+|have\s+)?(?:back|returned)\b",
            ),
        ),
        (cue("neg.res.not-yet", _NOT_YET + r"(?:resolved|recovered)\b"), _QUESTION_END),
    ),
    TimelineKind.DECISION: CueTable(
        (
            cue("dec.decision", r"\bdecision\s*:"),
            cue(
                "dec.we-will",
                r"\bwe(?:'re| are)?\s+(?:will|going to|gonna)\s+(?:roll ?back|revert|fail ?over|restart|disable)\b",
            ),
            cue("dec.lets", r"\blet'?s\s+(?:roll ?back|revert|fail ?over|restart|disable|scale)\b"),
            cue("dec.agreed", r"\b(?:agreed to|we agreed|decided to)\b"),
        ),
        (_QUESTION_END,),
    ),
    TimelineKind.MITIGATION: CueTable(
        (
            cue("mit.rollback-applied", r"\brollback (?:is )?(?:applied|done|complete[d]?|finished)\b"),
            cue("mit.rolling-back", r"\brolling back\b"),
            cue("mit.rolled-back", r"\brolled back\b"),
            cue("mit.failover", r"\bfail(?:ed|ing)? ?over\b"),
            cue("mit.scaled-up", r"\bscal(?:ed|ing) (?:up|out)\b"),
            cue("mit.restarted", r"\brestart(?:ed|ing)\b"),
            cue("mit.disabled", r"\bdisabl(?:ed|ing)\b"),
            cue("mit.reverted", r"\brevert(?:ed|ing)\b"),
            cue("mit.hotfix", r"\bhotfix (?:is )?(?:deployed|out|live|shipped|applied)\b"),
        ),
        (
            cue(
                "neg.mit.not-done",
                _NOT_YET + r"(?:roll(?:ing|ed) ?back|restart(?:ed|ing)|revert(?:ed|ing)|disabled)\b",
            ),
            _QUESTION_END,
        ),
    ),
    TimelineKind.DIAGNOSIS: CueTable(
        (
            cue("diag.root-cause", r"\broot[- ]cause\b"),
            cue("diag.looks-like", r"\b(?:looks|seems) like\b"),
            cue("diag.found", r"\bfound (?:it|the|a|an)\b"),
            cue("diag.suspect", r"\bsuspect(?:ed|s)?\b"),
            cue("diag.caused-by", r"\bcaused by\b"),
            cue("diag.the-issue-is", r"\bthe (?:issue|problem|culprit) (?:is|was|seems)\b"),
        ),
    ),
    # A change people mention in chat ("1.8.2 went out at 1:58") when no deploy export was given.
    TimelineKind.CHANGE: CueTable(
        (
            cue("chg.went-out", r"\b(?:went out|went live|got deployed|(?:was|were) (?:deployed|released|shipped))\b"),
            cue("chg.rolled-out", r"\b(?:rolled|rolling) out\b|\bdeploying\s+v?\d+\.\d+"),
            cue("chg.shipped-version", r"\b(?:shipped|released|deployed)\s+v?\d+\.\d+"),
        ),
        (
            cue("neg.chg.not-yet", _NOT_YET + r"(?:went out|deployed|released|shipped|rolled out)\b"),
            _QUESTION_END,
        ),
    ),
    TimelineKind.ESCALATION: CueTable(
        (
            cue("esc.im-ic", r"\bI(?:'m| am) (?:the )?(?:IC|incident commander)\b"),
            cue("esc.incident-commander", r"\bincident commander\b|\bIC\s*:"),
            cue("esc.paging", r"\bpaging\b"),
            cue("esc.escalate", r"\bescalat(?:e|ed|es|ing)\b"),
            cue("esc.pulling-in", r"\bpull(?:ing|ed) in\b"),
            cue("esc.declared", r"\bdeclar(?:ed|ing)\b"),
        ),
    ),
    TimelineKind.COMMUNICATION: CueTable(
        (
            cue("com.status-page", r"\bstatus ?page\b"),
            cue(
                "com.customers-notified",
                r"\bcustomers? (?:have been |were |was )?notified\b|\bnotified (?:the )?customers\b",
            ),
            cue("com.update-posted", r"\bupdate (?:posted|sent|published)\b|\bposted an? update\b"),
            cue("com.comms", r"\bcomms\b|\bcommunications?\b"),
        ),
    ),
    TimelineKind.DETECTION: CueTable(
        (
            cue("det.alert-fired", r"\balerts? (?:fired|firing|triggered|went off)\b|\bfiring\b"),
            cue("det.triggered", r"\btriggered\b"),
            cue("det.paged", r"\bpaged\b"),
            cue(
                "det.seeing-errors",
                r"\bseeing (?:\w+\s+){0,3}(?:errors|5xx|5\d\ds|timeouts|failures|latency|packet loss)\b",
            ),
            cue(
                "det.spike-in",
                r"\b(?:spike|spikes|surge|jump) in (?:\w+\s+)?(?:errors|5xx|5\d\ds|4xx|latency|timeouts)\b",
            ),
            cue("det.latency-spike", r"\b(?:latency|p\d{2,3})\s+(?:spike|spiking|spiked|jumped|went|is up|climbing)\b"),
            cue("det.customers-report", r"\b(?:customers?|users?) (?:are |is )?(?:report\w*|complain\w*)\b"),
            cue("det.is-x-broken", r"^(?:is|are)\s+(?:\S+\s+){1,3}(?:broken|down|failing|erroring)\b"),
        ),
        (
            cue(
                "neg.det.no-alert",
                r"\bno alerts? (?:fired|triggered)\b|\balerts? (?:didn'?t|did not|never) (?:fire|trigger)",
            ),
            cue("neg.det.not-paged", r"\b(?:not|wasn'?t|weren'?t|never|nobody (?:was|got))\s+paged\b"),
            cue("neg.det.triggered-by", r"\btriggered by\b"),
        ),
    ),
}

# --- contributing factors ------------------------------------------------------------------------

# The ``cause`` group is the phrase that names the cause; without it the sentence is the cause.
CAUSES = CueTable(
    (
        cue(
            "cause.root-cause",
            r"\broot[- ]cause\b(?:(?:\s+candidate)?\s*(?::|\bis\b|\bwas\b|[\u2014\u2013-])\s*(?P<cause>.+))?",
        ),
        cue("cause.caused-by", r"\bcaused by\s+(?P<cause>.+)"),
        cue("cause.because", r"\bbecause(?:\s+of)?\s+(?P<cause>.+)"),
        cue("cause.due-to", r"\bdue to\s+(?P<cause>.+)"),
        cue("cause.triggered-by", r"\btriggered by\s+(?P<cause>.+)"),
        cue("cause.as-a-result-of", r"\bas a result of\s+(?P<cause>.+)"),
        cue("cause.led-to", r"^(?P<cause>.+?)\s+(?:led|leads|has led) to\b"),
    ),
    (
        cue("neg.cause.personal", r"\bbecause (?:i|i'm|i was|we were|you)\b"),
        cue("neg.cause.not-because", r"\bnot because\b"),
        _QUESTION_END,
    ),
)

# First match wins, so the order says which category a sentence naming several belongs to.
FACTOR_CATEGORIES = CueTable(
    (
        cue(
            "cat.change",
            r"\b(?:config\w*|deploy\w*|release\w*|roll-?out|PR\s*#?\d+|commit\w*|migration|feature flags?"
            r"|upgrade\w*)\b",
            category="change",
        ),
        cue("cat.testing", r"\b(?:tests?|testing|canary|staging)\b", category="testing"),
        cue("cat.monitoring", r"\b(?:alert\w*|monitor\w*|dashboards?|paging)\b", category="monitoring"),
        cue(
            "cat.capacity",
            r"\b(?:capacity|pool\w*|limits?|quotas?|exhaust\w*|saturat\w*|memory|oom|cpu|disk|throttl\w*)\b",
            category="capacity",
        ),
        cue(
            "cat.dependency",
            r"\b(?:dependenc\w*|upstream|third[- ]party|vendor|provider|external service)\b",
            category="dependency",
        ),
    ),
)

_PAGE_NOT_ACKED = "The first page was not acknowledged when it was sent"

# Detection gaps: ``label`` is the neutral wording the draft uses (never the speaker's words, which
# may name a person), ``category`` the factor category. Cues sharing a label become one factor.
DETECTION_GAPS = CueTable(
    (
        cue(
            "gap.no-alert",
            r"\bno alerts? (?:fired|triggered)\b|\balerts? (?:didn'?t|did not|never) (?:fire|trigger)"
            r"|\b(?:didn'?t|did not|never) alert\b",
            category="monitoring",
            label="No alert fired for the failing condition",
        ),
        cue(
            "gap.not-paged",
            r"\b(?:didn'?t|did not|never) page\b"
            r"|\b(?:not|wasn'?t|weren'?t|was not|were not|nobody was) (?:paged|alerted)\b",
            category="monitoring",
            label="The failing condition did not page the on-call responder",
        ),
        cue(
            "gap.no-monitoring",
            r"\bno (?:monitoring|metrics|dashboard)\b|\bnot monitored\b",
            category="monitoring",
            label="Monitoring did not cover the failing component",
        ),
        cue(
            "gap.page-not-acked",
            r"\bslept through\b|\bmissed the (?:first )?(?:alert|page)\b"
            r"|\bdidn'?t (?:see|hear) the (?:first )?(?:alert|page)\b",
            category="process",
            label=_PAGE_NOT_ACKED,
        ),
        cue(
            "gap.canary",
            r"\b(?:canary|tests?|staging) (?:didn'?t|did not|failed to|never) (?:catch|detect|flag)\b"
            r"|\bcanary missed\b",
            category="testing",
            label="Pre-production checks (canary, tests) did not detect the problem",
        ),
    ),
    (_QUESTION_END,),
)

# A structured escalation that happened because nobody acknowledged in time.
ESCALATION_TIMEOUT = cue(
    "gap.escalation-timeout",
    r"\btime(?:d)?[- ]?out\b",
    category="process",
    label=_PAGE_NOT_ACKED,
)

# --- action items ----------------------------------------------------------------------------------

# ``lead`` is cut from the description ("I'll file a ticket" -> "File a ticket"); category
# ``commitment`` makes the speaker the owner, ``suggestion`` leaves the owner TBD.
ACTIONS = CueTable(
    (
        cue(
            "act.i-file",
            r"\b(?P<lead>i'?ll|i will)\s+(?=file\b|(?:create|open|raise) an? (?:ticket|issue|jira|bug)\b)",
            category="commitment",
        ),
        cue("act.i-own", r"\b(?P<lead>i'?ll|i will)\s+(?=own\b|follow up\b|write up\b)", category="commitment"),
        cue("act.follow-up", r"(?P<lead>\bfollow[- ]?up\s*:)", category="suggestion"),
        cue("act.action-item", r"(?P<lead>\baction items?\s*:)", category="suggestion"),
        cue("act.todo", r"(?P<lead>\bTODO\s*:)", category="suggestion"),
        cue("act.ai", r"(?P<lead>(?-i:\bAI)\s*:)", category="suggestion"),
        cue("act.we-should", r"\b(?P<lead>we should|we need to)\s+", category="suggestion"),
        cue(
            "act.lets-add",
            r"\b(?P<lead>let'?s)\s+(?=add\b|file\b|track\b|create\b|write up\b)",
            category="suggestion",
        ),
    ),
    (
        cue(
            "neg.act.fine",
            r"\bwe should (?:probably )?(?:be|see) (?:fine|good|ok|okay|all set|safe|clear|recovery)\b",
        ),
        cue("neg.act.own-role", r"\bi'?ll own (?:the )?(?:comms|communications?|ic|incident|call|bridge|status)\b"),
        cue(
            "neg.act.in-incident",
            r"\b(?:we need to|we should|let'?s)\s+(?:roll ?back|revert|restart|fail ?over|wait|page|hurry)\b",
        ),
        _QUESTION_END,
    ),
)

# --- questions -------------------------------------------------------------------------------------

_LEAD_IN = r"^(?:(?:and|but|so|also|ok|okay|hm+|wait|ok so),?\s+)?"

# ``review`` questions go to the review meeting as they are; ``clarifying`` ones only when nobody
# in their thread answered.
QUESTIONS = CueTable(
    (
        cue("q.why", _LEAD_IN + r"(?:why|how come)\b.*\?\s*$", category="review"),
        cue(
            "q.clarifying",
            _LEAD_IN + r"(?:what|who|when|where|which|did|didn'?t|does|do|should|shouldn'?t|is|isn'?t|are|aren'?t"
            r"|was|wasn'?t|were|can|could|has|have)\b.*\?\s*$",
            category="clarifying",
        ),
    ),
)

# --- impact figures: ``category`` is the ImpactFigure metric ---------------------------------------

_QTY = (
    r"(?:(?:about|around|approx\.?|approximately|roughly|over|more than|nearly|almost|at least|up to|~|≈)\s*)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?[km]\b)?"
)
_DURATION = r"\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds)\b"

FIGURES = CueTable(
    (
        cue(
            "fig.revenue",
            r"(?:[$€£]\s?" + _QTY + r"|" + _QTY + r"\s?(?:USD|EUR|GBP|dollars|euros|pounds)\b)",
            category="revenue",
        ),
        cue(
            "fig.error-rate",
            r"\b(?:error rate|errors?|5xx|500s|failure rate)\s*"
            r"(?:is|was|at|of|hit|peaked at|reached|around|to|:|=|<|>|~)?\s*"
            + _QTY
            + r"\s?%|"
            + _QTY
            + r"\s?%\s+(?:of\s+)?(?:\w+\s+){0,2}"
            r"(?:errors|error rate|5xx|failures|failed|requests|attempts|checkouts)\b",
            category="error_rate",
        ),
        cue(
            "fig.latency",
            r"\b(?:p\d{2,3}|latency)\s*(?:went|is|was|at|of|hit|to|from|jumped to|spiked to|:|=|>|<|~)?\s*(?:from\s*)?"
            + _DURATION
            + r"(?:\s*(?:→|->|to)\s*"
            + _DURATION
            + r")?",
            category="latency",
        ),
        cue("fig.users", _QTY + r"\s+(?:\w+\s+)?(?:users|customers|accounts|merchants|tenants)\b", category="users"),
        cue(
            "fig.orders",
            _QTY + r"\s+(?:\w+\s+)?(?:orders|checkouts|payments|transactions|purchases)\b"
            r"|\b(?:failed|lost|dropped) (?:orders|checkouts|payments)\s*(?::|=|of|were|was)?\s*" + _QTY,
            category="orders",
        ),
        cue("fig.requests", _QTY + r"\s+(?:\w+\s+)?(?:requests|reqs|calls|queries)\b", category="requests"),
    ),
)

# --- responders and titles -------------------------------------------------------------------------

# Names are matched case-sensitively (capitalised words), the surrounding words are not.
_NAME = r"@?(?P<name>[A-Z][\w'-]*(?: [A-Z][\w'-]*){0,2})"

ROLES = CueTable(
    (
        cue(
            "role.ic-self",
            r"(?i:\bI(?:'m| am) (?:the )?)(?:IC|(?i:incident commander))\b",
            category="incident commander",
            flags=0,
        ),
        cue(
            "role.ic-named",
            r"\b(?:IC|(?i:incident commander))\s*[:=]\s*" + _NAME,
            category="incident commander",
            flags=0,
        ),
        cue(
            "role.comms-self",
            r"(?i:\bi'?ll (?:own|handle|take|do) (?:the )?(?:comms|communications?|status (?:page|updates)))",
            category="communications",
            flags=0,
        ),
        cue("role.assigned", r"(?i:\bassigned to)\s+" + _NAME, category="on-call", flags=0),
        cue("role.notified", r"(?i:\bnotified)\s+" + _NAME + r"\s+(?i:via)\b", category="on-call", flags=0),
        cue("role.acknowledged", r"(?i:\backnowledged by)\s+" + _NAME, category="on-call", flags=0),
    ),
)

DECLARED = cue("title.declared", r"\bdeclared\b")

# --- changes ---------------------------------------------------------------------------------------

# A deploy record that undoes an earlier one is mitigation, not a new change.
DEPLOY_ROLLBACK = cue("deploy.rollback", r"\broll(?:ed|ing)?[ -]?back\b|\brevert\w*")

# Words in service names that say nothing about which system a deploy touched.
GENERIC_SERVICE_WORDS = frozenset(
    {"service", "svc", "api", "app", "web", "server", "backend", "frontend", "admin", "worker", "prod", "production"}
)

# --- text helpers ----------------------------------------------------------------------------------

_MARKUP = str.maketrans({"*": "", "`": "", "\u2019": "'", "\u2018": "'"})
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_EMOJI_CODES = re.compile(_EMOJI)


def normalise(text: str) -> str:
    """Text as the cues expect it: chat markup and curly quotes gone, entities undone, one line."""
    return _SPACE.sub(" ", _unmark(text)).strip()


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (lines and ``.!?`` followed by space end one), normalised."""
    return [normalise(part) for part in _SENTENCE_END.split(_unmark(text)) if part.strip()]


def _unmark(text: str) -> str:
    return text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&").translate(_MARKUP)


def strip_emoji(text: str) -> str:
    """``text`` without ``:emoji:`` codes and pictographs, whitespace collapsed."""
    return _SPACE.sub(" ", _EMOJI_CODES.sub(" ", text)).strip()


def noise_cue(text: str) -> Cue | None:
    """The first noise cue in ``text`` when the message is nothing but noise, else ``None``."""
    rest = normalise(text)
    first: Cue | None = None
    for item in NOISE.cues:
        if item.pattern.search(rest):
            first = first or item
            rest = item.pattern.sub(" ", rest)
    if first is None or _WORD.search(_MENTION.sub(" ", rest)):
        return None
    return first


def timeline_cue(text: str) -> tuple[TimelineKind, Cue] | None:
    """The timeline kind the text's cues give (by precedence) and the cue that decided it."""
    text = normalise(text)
    for kind, table in TIMELINE_CUES.items():
        hit = table.search(text)
        if hit is not None:
            return kind, hit[0]
    return None
