"""Drafts for the review page's tests: the sample incident, one with blame-prone wording, and the
hostile incident with script payloads in every text a page shows."""

from __future__ import annotations

from pathlib import Path

from postmortem_writer.lint import lint_draft
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.review import claims
from postmortem_writer.sources import SourceOptions

# Each would set window.__pwned if the page ran it (ids: the way in).
PAYLOADS = {
    "script": "<script>window.__pwned='script'</script>",
    "close-script": "</script><script>window.__pwned='close-script'</script>",
    "img-onerror": "<img src=x onerror=\"window.__pwned='img'\">",
    "svg-onload": "<svg onload=\"window.__pwned='svg'\"></svg>",
    "attribute-break": '"><img src=x onerror="window.__pwned=\'attr\'">',
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "javascript-link": "<a href=\"javascript:window.__pwned='link'\">status</a>",
    "comment-break": "--><script>window.__pwned='comment'</script><!--",
    "json-break": "\u2028</script ><script>window.__pwned='json'</script>",
    "style-break": "</style><script>window.__pwned='style'</script>",
}
BLAME_SENTENCE = "The on-call engineer should have noticed the alert sooner."


def sample_draft(sources: Path) -> tuple[Draft, int]:
    """The sample incident's draft and its event count."""
    ingested = ingest([sources], SourceOptions())
    return draft_from(ingested), len(ingested.stream)


def blamed_draft(sources: Path) -> tuple[Draft, int]:
    """The sample draft with a blame-prone first summary line, as the lint finds it."""
    draft, count = sample_draft(sources)
    draft.summary[0].text = f"{BLAME_SENTENCE} {draft.summary[0].text}"
    draft.blame_findings = lint_draft(draft)
    return draft, count


def hostile_draft(sources: Path) -> tuple[Draft, int]:
    """The hostile incident's draft with a payload in every text the page shows: the title, each
    claim's fields, the evidence (text, actor, source, position) and the responders."""
    ingested = ingest([sources], SourceOptions())
    draft = draft_from(ingested)
    payloads = list(PAYLOADS.values())
    draft.title += payloads[0]
    for number, claim in enumerate(claims(draft)):
        for name in claim.fields:
            setattr(claim.item, name, f"{getattr(claim.item, name)} {payloads[number % len(payloads)]}")
    for number, event in enumerate(draft.evidence_index):
        payload = payloads[number % len(payloads)]
        event.text, event.actor, event.ref = (
            f"{event.text} {payload}",
            f"{event.actor}{payload}",
            f"{event.ref}{payload}",
        )
    for responder in draft.responders:
        responder.name += payloads[2]
    return draft, len(ingested.stream)
