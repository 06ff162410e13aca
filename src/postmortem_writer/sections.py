"""The draft's sections as one table: every place that walks the sections reads it from here.

``Draft.cited_ids``, the built-in Markdown template, the lint of a draft's own wording and the
words that name a section in any postmortem (``lint.markdown``), putting rewrites back into a draft
(``lint.apply``), the eval's section completeness and its list of claims (``evaluation.metrics``),
and the synthesis merge of the model path (``extract.llm``) all derive from ``SECTIONS``. Adding
a section means a ``Draft`` field, a row here, and whatever fills it (an extractor, a prompt).

A row names its parts of the draft by dotted paths from the ``Draft`` (``impact.figures``), so this
module needs no model type and ``models`` can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Merge(StrEnum):
    """How the model's synthesis answer (a list of the section's name) meets what the rules found."""

    REPLACE = "replace"  # the model's list stands, even when empty
    FILL = "fill"  # the model's list stands unless it is empty; then the rules' items stay


class Filled(StrEnum):
    """When the eval counts a section as filled; TODO(author) lines never count."""

    CITES = "cites"  # at least one item cites an event
    ANY = "any"  # at least one item
    WINDOW = "window"  # impact: both the start and the end of the incident are known


@dataclass(frozen=True)
class Section:
    """One section of a draft: where it lives, how it is headed, what in it is wording and what is a claim."""

    field: str  # the ``Draft`` attribute
    heading: str  # the built-in template's heading; a draft's own wording is linted under it
    lint_kind: str  # what ``lint.markdown.section_kind`` makes of the heading (and of its aliases)
    aliases: tuple[str, ...]  # words that name such a section in postmortems people write
    empty: str  # what the template says when the section has nothing
    cited: str  # path of the list whose items carry ``evidence``
    wording: str  # path of the list holding generated wording (linted, reworded)
    texts: tuple[str, ...]  # attributes of a wording item that hold text; () when the items are strings
    claim: str | None  # attribute of a cited item stated as fact (the eval's unsupported claims); None: none
    narrative: bool  # an item without evidence is a question for the author, not a claim
    filled: Filled | None  # None: not counted in section completeness
    merge: Merge | None  # None: the synthesis answer has no such list
    appendix: bool = False  # rendered after the review checklist, with the evidence index

    def items(self, draft: Any) -> list[Any]:
        """The section's items that cite evidence."""
        return list(_at(draft, self.cited))

    def wordings(self, draft: Any) -> list[Any]:
        """The list holding the section's generated wording (items, or plain strings), itself: edits stick."""
        wording: list[Any] = _at(draft, self.wording)
        return wording

    def text(self, item: Any) -> str:
        """An item's wording as one text (a factor reads "title. description")."""
        return ". ".join(getattr(item, attribute) for attribute in self.texts) if self.texts else str(item)


def _at(draft: Any, path: str) -> Any:
    value = draft
    for name in path.split("."):
        value = getattr(value, name)
    return value


def _narrative(field: str, heading: str, kind: str, aliases: tuple[str, ...], empty: str, **extra: Any) -> Section:
    settings: dict[str, Any] = {"claim": "text", "filled": Filled.CITES, "merge": Merge.REPLACE} | extra
    return Section(field, heading, kind, aliases, empty, cited=field, wording=field, texts=("text",), narrative=True,
                   **settings)  # fmt: skip


# In the order the built-in template renders them.
SECTIONS: tuple[Section, ...] = (
    _narrative("summary", "Summary", "summary", ("summary",),
               "TODO(author): the sources did not give enough to summarise the incident."),
    Section("impact", "Impact", "impact", ("impact",),
            "TODO(author): describe who and what was affected, and how much.", cited="impact.figures",
            wording="impact.unknowns", texts=(), claim="quote", narrative=False,
            filled=Filled.WINDOW, merge=None),
    Section("timeline", "Timeline", "timeline", ("timeline", "chronology"),
            "No timeline material was found in the sources.", cited="timeline", wording="timeline",
            texts=("description",), claim="description", narrative=False, filled=Filled.ANY, merge=None),
    _narrative("trigger", "Trigger / root cause", "analysis", ("root cause", "trigger", "analysis", "why it happened"),
               "TODO(author): the sources do not show what triggered the incident."),
    Section("contributing_factors", "Contributing factors", "analysis", ("contributing",),
            "TODO(author): no candidate contributing factors were found in the sources.", cited="contributing_factors",
            wording="contributing_factors", texts=("title", "description"), claim="title", narrative=False,
            filled=Filled.ANY, merge=Merge.FILL),
    _narrative("went_well", "What went well", "lessons", ("what went well",), "TODO(author)"),
    _narrative("went_wrong", "What went wrong", "analysis", ("what went wrong",), "TODO(author)"),
    _narrative("lucky", "Where we got lucky", "lessons", ("lucky",), "TODO(author)", merge=Merge.FILL),
    Section("action_items", "Action items", "actions",
            ("action", "follow-up", "follow up", "remediation", "next step", "corrective"),
            "TODO(author): no commitments or follow-ups were found in the sources.", cited="action_items",
            wording="action_items", texts=("description",), claim="description", narrative=False,
            filled=Filled.CITES, merge=Merge.REPLACE),
    _narrative("prevention", "Prevention", "prevention", ("prevention", "preventive"),
               "TODO(author): what would stop this class of incident, beyond this instance's fixes?",
               claim=None, merge=None),  # it regroups the action items, which are claimed already
    _narrative("lessons", "Lessons learned", "lessons", ("lesson",),
               "TODO(author): to be written after the review meeting."),
    _narrative("open_questions", "Open questions for the review meeting", "other", (), "None found in the sources.",
               claim=None, filled=None),
    Section("related_incidents", "Related incidents", "related", ("related incident", "previous incident"),
            "TODO(author): link earlier incidents with the same contributing factors (or pass --history).",
            cited="related_incidents", wording="related_incidents", texts=("text",), claim=None, narrative=False,
            filled=None, merge=None),
    # The appendix quotes the sources: what people told customers, and the graphs they looked at.
    Section("communications", "Appendix: communication log", "appendix", ("appendix",),
            "No status-page updates or customer-facing messages were found in the sources.",
            cited="communications", wording="communications", texts=("text",), claim=None, narrative=False,
            filled=Filled.CITES, merge=None, appendix=True),
    Section("graphs", "Appendix: monitoring graphs", "appendix", ("appendix",),
            "No dashboard or panel links were found in the sources.", cited="graphs", wording="graphs",
            texts=("text",), claim=None, narrative=False, filled=None, merge=None, appendix=True),
)  # fmt: skip
