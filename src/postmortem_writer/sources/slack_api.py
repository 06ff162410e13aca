"""Slack Web API responses saved to a file: ``conversations.history`` and ``conversations.replies``."""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object
from postmortem_writer.sources.slack_messages import SlackNames, users_beside


class SlackApiAdapter:
    """Reads one saved ``conversations.history`` / ``conversations.replies`` page into chat events."""

    name = "slack-api"
    kind = SourceKind.CHAT
    description = "Slack Web API conversations.history / conversations.replies responses (one page per file)"
    hint = '{"ok": true, "messages": [...]}; names come from a users.json (users.list) in the same folder'
    example = "postmortem draft history.page1.json history.page2.json replies.json"
    signature = (("ok",), ("messages",), ("ts",), ("user", "bot_id"))

    def sniff(self, doc: Document) -> bool:
        """True for an object with ``ok`` and a ``messages`` list."""
        data = doc.try_json()
        return isinstance(data, dict) and "ok" in data and isinstance(data.get("messages"), list)

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per message; ``ts`` are UTC epochs, so ``options`` is unused."""
        data = as_object(doc.json)
        if data.get("ok") is False:
            error = data.get("error", "no error given")
            raise InputError(f"the saved response is an API error: {error}", path=doc.name)
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise InputError('expected a Web API response object with a "messages" list', path=doc.name)
        names = SlackNames(users_beside(doc))
        parsed = Parsed()

        def read(position: str, message: Any) -> Event | None:
            # A saved page does not say its channel; messages from a channel-less page share one key.
            channel = str(as_object(message).get("channel") or "")
            event = names.event(message, channel, doc.name, self.name, position)
            if event is None:
                parsed.dropped[str(message.get("subtype") or "empty")] += 1
            return event

        parsed.collect(((f"message {n}", m) for n, m in enumerate(messages, start=1)), read)
        return parsed.usable()
