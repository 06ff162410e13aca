"""Small wording helpers shared by the extractors: plain one-line text, trimming, times, spans."""

from __future__ import annotations

from datetime import datetime, timedelta

from postmortem_writer.extract.cues import normalise, strip_emoji

PUNCT = " .,:;!\u2014\u2013-"
"""Punctuation and dashes stripped from the ends of phrases cut out of sentences."""


def plain(text: str) -> str:
    """Source text as one plain line: chat markup, entities and emoji codes removed."""
    return strip_emoji(normalise(text))


def trim(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(PUNCT) + "…"


def capitalise(text: str) -> str:
    """``text`` with its first character upper-cased and the rest untouched.

    A leading identifier ("svc_airflow", "maximum_lag_on_failover", "iOS") is left as written.
    """
    first = text.split(" ", 1)[0]
    if any(c in first for c in "_./@#") or any(c.isupper() for c in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def clock(moment: datetime) -> str:
    """A UTC time of day as the draft writes it, e.g. ``09:10 UTC``."""
    return moment.strftime("%H:%M UTC")


def span(delta: timedelta) -> str:
    """A duration in whole minutes, e.g. ``7 minutes``."""
    minutes = round(delta.total_seconds() / 60)
    if minutes < 1:
        return "less than a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def cite(evidence: list[str], event_id: str) -> None:
    """Add ``event_id`` to ``evidence`` once, keeping the order of first citation."""
    if event_id not in evidence:
        evidence.append(event_id)
