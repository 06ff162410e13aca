"""The appendix: what the responders told customers (the communication log) and the graphs they shared.

Both quote the sources and cite the event each line comes from. A message counts as communication
when a status-page tool posted it, or when its words say it was published to a status page or sent
to customers; checking a vendor's status page, or talk about comms to come, does not. A graph is a
dashboard or panel URL of a known monitoring tool in an event's text, or an image attached to a
chat message (``[file: p99.png]``, as the chat adapters spell a file they have only by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from postmortem_writer.models import Cited, Event, Link
from postmortem_writer.text import Cue, CueTable, cue, normalise, trim

_QUOTE_LIMIT = 240

# Accounts that only ever post status-page updates (the tool's own integration).
_STATUS_ACTORS = re.compile(r"status ?page|statuspage|status\.io|instatus|statuscast|sorry ?app", re.IGNORECASE)

_AUDIENCE = r"(?:customers|users|merchants|clients|tenants)"
# Every cue below needs one of these words; most messages have none and skip the table (plain
# substring tests: an alternation regex per message cost seconds on a 100k-message export).
_WORTH = ("status", "update", "customer", "user", "merchant", "client", "tenant", "banner")
COMMUNICATION = CueTable(
    cues=(
        cue("com.status-page.updated",
            r"\bstatus ?page (?:is |was |has been )?(?:updated|posted|changed|set)\b"),
        cue("com.status-page.posted",
            r"\b(?:posted|published|put|added|pushed)\b[^.]{0,40}\b(?:to|on) (?:the |our )?status ?page\b"),
        cue("com.status-page.update", r"\b(?:updated|update) (?:the |our )?status ?page\b"),
        cue("com.status-update", r"^\W*(?:status|incident|public) update\b"),
        cue("com.customers.sent",
            rf"\b(?:sent|emailed|notified|messaged|posted|tweeted)\b[^.]{{0,40}}\b{_AUDIENCE}\b"),
        cue("com.customers.notice",
            r"\bcustomer(?:-facing)? (?:email|notice|notification|message|comms|update|advisory)\b"
            r"[^.]{0,40}\b(?:sent|out|posted|published|live)\b"),
        cue("com.customers.banner",
            r"\b(?:in-app|maintenance|incident) banner\b[^.]{0,30}\b(?:up|live|posted|enabled|shown)\b"),
    ),
    negatives=(
        # Someone else's status page is diagnosis, not what we said.
        cue("com.neg.vendor",
            r"\b(?:their|its|provider'?s?|vendor'?s?|upstream'?s?|aws|gcp|azure)\s+status ?page\b"),
        # A plan or an offer is not a message sent.
        cue("com.neg.plan",
            r"\b(?:should|shall|will|i'?ll|we'?ll|going to|can someone|can you|could you|please|need to|let'?s)\b"
            r"[^.]{0,30}\b(?:update|post|send|email|notify)\b"),
        cue("com.neg.question", r"\bstatus ?page\b[^.]*\?\s*$"),
    ),
)  # fmt: skip

# Monitoring tools by what their dashboard and panel addresses look like.
GRAPH_TOOLS: tuple[Cue, ...] = (
    cue("graph.grafana", r"grafana|/d(?:-solo)?/[\w-]+(?:/|\?|$)|/explore\?", label="Grafana"),
    cue("graph.datadog", r"datadoghq\.(?:com|eu)|ddog-gov\.com|app\.datadog", label="Datadog"),
    cue("graph.cloudwatch", r"console\.aws\.amazon\.com/cloudwatch|cloudwatch\.amazonaws|/cloudwatch/home",
        label="CloudWatch"),
    cue("graph.prometheus", r"/graph\?g0\.expr|prometheus", label="Prometheus"),
    cue("graph.kibana", r"kibana|/app/(?:dashboards|discover|lens)", label="Kibana"),
    cue("graph.newrelic", r"one\.newrelic\.com|newrelic\.com/.*(?:dashboard|chart)", label="New Relic"),
)  # fmt: skip
_URL = re.compile(r"https?://[^\s<>\"'`|\u201c\u201d\u2018\u2019«»]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}…'\""
_IMAGE = re.compile(r"\[file: (?P<name>[^\]\n]+?\.(?:png|jpe?g|gif|webp|svg|bmp))\]", re.IGNORECASE)


def communication_log(events: Iterable[Event]) -> list[Cited]:
    """Every status-page update and customer-facing message in ``events``, in order, each citing its event."""
    log: list[Cited] = []
    tools: dict[str, bool] = {}  # by actor: an export has few authors and many messages
    for event in events:
        by_tool = tools.get(event.actor)
        if by_tool is None:
            by_tool = tools[event.actor] = _STATUS_ACTORS.search(event.actor) is not None
        lowered = event.text.lower()
        if not by_tool and not any(word in lowered for word in _WORTH):
            continue
        text = normalise(event.text)
        if text and (by_tool or COMMUNICATION.search(text)):
            log.append(Cited(text=trim(text, _QUOTE_LIMIT), evidence=[event.id]))
    return log


def monitoring_links(events: Iterable[Event]) -> list[Link]:
    """Dashboard and panel links and attached images in ``events``, in order, each with the message that shared it.

    A URL shared again later is listed once, at its first sharing.
    """
    links: list[Link] = []
    seen: set[str] = set()
    for event in events:
        if "://" not in event.text and "[file:" not in event.text:
            continue
        found: list[tuple[str, str, str]] = []  # (url, tool, image name)
        for match in _URL.finditer(event.text):
            url = match.group().rstrip(_URL_TAIL)
            tool = next((item.label for item in GRAPH_TOOLS if item.pattern.search(url)), None)
            if tool is not None and url not in seen:
                seen.add(url)
                found.append((url, tool, ""))
        found += [("", "image", match.group("name")) for match in _IMAGE.finditer(event.text)]
        if found:
            quote = trim(normalise(event.text), _QUOTE_LIMIT)
            links += [Link(url=url, tool=tool, name=name, text=quote, evidence=[event.id]) for url, tool, name in found]
    return links
