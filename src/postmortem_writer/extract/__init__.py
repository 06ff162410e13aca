"""Extraction: from an event stream to a grounded ``Draft``.

``rules`` builds a draft from structured signals and the cue tables in ``cues`` (no model), with
``classify`` (timeline kinds of events), ``followups`` (action items, questions) and ``factors``;
the people and text vocabulary they share with the other stages is ``postmortem_writer.people`` and
``postmortem_writer.text``. ``grounding`` checks that every citation exists and every time comes
from the cited events.
"""

from postmortem_writer.extract.grounding import check_draft
from postmortem_writer.extract.rules import extract_rules

__all__ = ["check_draft", "extract_rules"]
