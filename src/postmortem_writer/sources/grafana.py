"""Grafana-managed alerting webhook payloads (``version: "1"``), one, an array, or JSON Lines."""

from __future__ import annotations

from postmortem_writer.models import SourceKind
from postmortem_writer.sources.alertmanager import first_payload, read_payloads
from postmortem_writer.sources.base import Document, Parsed, SourceOptions


class GrafanaWebhookAdapter:
    """Reads each alert of each Grafana webhook payload: firing at ``startsAt``, resolved at ``endsAt``."""

    name = "grafana-webhook"
    kind = SourceKind.ALERT
    description = "Grafana-managed alerting webhook payloads (one payload, a JSON array, or JSON Lines)"
    hint = 'JSON with "version": "1", "alerts" and "orgId" or "state" (the first payload, for arrays and JSON Lines)'
    example = "postmortem draft grafana-webhooks.jsonl"

    def sniff(self, doc: Document) -> bool:
        """True when the (first) payload is a unified-alerting Grafana notification."""
        first = first_payload(doc)
        return (
            first is not None
            and first.get("version") == "1"
            and "alerts" in first
            and bool({"orgId", "state"} & first.keys())
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Firing and resolved events of every alert (times carry the Grafana server's offset)."""
        return read_payloads(doc, options, self.name, "Grafana")
