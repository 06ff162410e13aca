"""Discord channels exported with DiscordChatExporter as JSON."""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import UNKNOWN_ACTOR, Document, Parsed, SourceOptions, as_list, as_object
from postmortem_writer.timeparse import parse_instant

# Message types a person or bot wrote; the rest (joins, pins, calls, thread notices) carry the
# exporter's fallback text ("Joined the server.") and are dropped as noise.
_WRITTEN = frozenset({"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "ThreadStarterMessage"})


class DiscordAdapter:
    """Reads one DiscordChatExporter JSON file (one channel or thread) into chat events."""

    name = "discord"
    kind = SourceKind.CHAT
    description = "Discord channel or thread exported by DiscordChatExporter (JSON)"
    hint = '{"guild": ..., "channel": ..., "messages": [...], "messageCount": N}'
    example = 'postmortem draft "Acme - Support - status-updates [870239114794704906].json"'
    signature = (("guild",), ("channel",), ("messages",), ("messageCount",), ("author",))

    def sniff(self, doc: Document) -> bool:
        """True for an object with ``guild``, ``channel``, ``messages`` and ``messageCount``."""
        data = doc.try_json()
        return isinstance(data, dict) and {"guild", "channel", "messages", "messageCount"} <= data.keys()

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per written message; system messages (joins, pins) are dropped and counted."""
        data = as_object(doc.json)
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise InputError('expected a DiscordChatExporter object with a "messages" list', path=doc.name)
        channel = as_object(data.get("channel")).get("name")
        parsed = Parsed()

        def read(position: str, message: Any) -> Event | None:
            if not isinstance(message, dict) or not isinstance(message.get("timestamp"), str):
                raise InputError("not a Discord message (no 'timestamp')", path=doc.name, position=position)
            kind = str(message.get("type") or "Default")
            if kind not in _WRITTEN:
                parsed.dropped[kind] += 1
                return None
            text = _text(message)
            if not text:
                parsed.dropped["empty"] += 1
                return None
            author = as_object(message.get("author"))
            parent = as_object(message.get("reference")).get("messageId") if kind == "Reply" else None
            native_id = str(message.get("id") or "") or None
            return Event(
                # Timestamps carry the exporting machine's offset, so no --tz is needed.
                ts=parse_instant(message["timestamp"], tz=options.tz, path=doc.name, position=position),
                source=doc.name,
                format=self.name,
                kind=self.kind,
                ref=f"{position} (id {native_id})" if native_id else position,
                actor=str(author.get("nickname") or author.get("name") or author.get("id") or UNKNOWN_ACTOR),
                actor_kind=ActorKind.BOT if author.get("isBot") else ActorKind.HUMAN,
                text=text,
                native_id=native_id,
                parent_native_id=str(parent) if parent else None,
                edited=bool(message.get("timestampEdited")),
                meta={"channel": channel} if isinstance(channel, str) else {},
            )

        parsed.collect(((f"message {n}", m) for n, m in enumerate(messages, start=1)), read)
        return parsed.usable()


def _text(message: dict[str, Any]) -> str:
    """The content (already rendered by the exporter: mentions are ``@name``), then embeds and files."""
    parts = [str(message.get("content") or "").strip()]
    for embed in as_list(message.get("embeds")):
        if not isinstance(embed, dict):
            continue
        parts += [str(embed[key]).strip() for key in ("title", "description") if embed.get(key)]
        for field_ in as_list(embed.get("fields")):
            if isinstance(field_, dict):
                parts.append(f"{field_.get('name', '')}: {field_.get('value', '')}".strip(": "))
    if not any(parts):
        files = [a.get("fileName") for a in as_list(message.get("attachments")) if isinstance(a, dict)]
        parts += [f"[file: {name}]" for name in files if name]
    return "\n".join(part for part in parts if part)
