"""Grafana-managed alerting webhook payloads (``version: "1"``), one, an array, or JSON Lines."""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import SourceKind
from postmortem_writer.sources.alertmanager import first_payload, read_payloads
from postmortem_writer.sources.base import Document, Parsed, SourceOptions


class GrafanaWebhookAdapter:
    """Reads each alert of each Grafana webhook payload: firing at ``startsAt``, resolved at ``endsAt``."""

    name = "grafana-webhook"
    kind = SourceKind.ALERT
    description = "Grafana-managed alerting webhook payloads (one payload, a JSON array, or JSON Lines)"
    hint = (
        'JSON with "version": "1", "alerts" and "orgId" or "state" (the first payload, for arrays and JSON Lines);'
        ' a legacy payload ("ruleId", "evalMatches") is named as such, not read'
    )
    example = "postmortem draft grafana-webhooks.jsonl"
    signature = (("alerts",), ("orgId", "state"), ("startsAt",), ("values", "valueString"), ("version",))

    def sniff(self, doc: Document) -> bool:
        """True when the (first) payload is a unified-alerting Grafana notification."""
        first = first_payload(doc)
        return first is not None and (
            (first.get("version") == "1" and "alerts" in first and bool({"orgId", "state"} & first.keys()))
            or _is_legacy(first)
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Firing and resolved events of every alert (times carry the Grafana server's offset)."""
        first = first_payload(doc)
        if first is not None and _is_legacy(first):
            # Claimed only to say why it cannot be read: "not a format we read" would send the
            # user hunting for a format when the payload itself lacks the times.
            raise InputError(
                "a legacy Grafana alerting webhook (ruleId, evalMatches; before Grafana 11) carries no times;"
                " save Grafana-managed alerting webhooks, or the receiver's log lines with their times",
                path=doc.name,
            )
        return read_payloads(doc, options, self.name, "Grafana")


def _is_legacy(payload: dict[str, Any]) -> bool:
    return "alerts" not in payload and "evalMatches" in payload and "ruleId" in payload and "state" in payload
