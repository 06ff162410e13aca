"""Microsoft Teams messages as Microsoft Graph returns them (``chatMessage`` collections)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_list, as_object
from postmortem_writer.sources.html_text import html_text_and_images, html_to_text
from postmortem_writer.timeparse import parse_instant

# A run of at-tags: Teams splits one mention of "Aiko Tanaka" into <at id="0">Aiko</at> <at id="1">Tanaka</at>.
_AT_RUN = re.compile(r'<at id="?(\d+)"?>[^<]*</at>(?:\s*<at id="?\d+"?>[^<]*</at>)*')
_AT_ID = re.compile(r'<at id="?(\d+)"?>')


class TeamsAdapter:
    """Reads a Graph ``chatMessage`` collection (channel messages with replies, or a chat) into chat events."""

    name = "teams"
    kind = SourceKind.CHAT
    description = "Microsoft Teams messages from Microsoft Graph (channel messages with $expand=replies, or chats)"
    hint = '{"@odata.context": ..., "value": [chatMessage with "messageType", ...]}; HTML bodies reduced to text'
    example = "postmortem draft teams-channel-messages.json"
    signature = (("value",), ("messageType",), ("createdDateTime",), ("body",), ("from",))

    def sniff(self, doc: Document) -> bool:
        """True for a Graph collection whose first value has a ``messageType``."""
        data = doc.try_json()
        if not isinstance(data, dict) or not isinstance(data.get("value"), list) or not data["value"]:
            return False
        first = data["value"][0]
        return isinstance(first, dict) and "messageType" in first and "createdDateTime" in first

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per message and reply; deleted and system messages are dropped and counted."""
        values = as_object(doc.json).get("value")
        if not isinstance(values, list):
            raise InputError('expected a Graph collection object with a "value" list of messages', path=doc.name)
        messages = list(_flatten(values))
        names = _known_names(message for _, message in messages)
        parsed = Parsed()

        def read(position: str, message: Any) -> Event | None:
            if not isinstance(message, dict) or not isinstance(message.get("createdDateTime"), str):
                raise InputError("not a Teams message (no 'createdDateTime')", path=doc.name, position=position)
            if message.get("deletedDateTime"):
                parsed.dropped["deleted"] += 1
                return None
            if message.get("messageType") != "message":
                parsed.dropped[str(message.get("messageType") or "no messageType")] += 1
                return None
            actor, actor_kind = _sender(message.get("from"), names)
            text = _text(message, names)
            if not text:
                parsed.dropped["empty"] += 1
                return None
            native_id = str(message.get("id") or "") or None
            return Event(
                ts=parse_instant(message["createdDateTime"], tz=options.tz, path=doc.name, position=position),
                source=doc.name,
                format=self.name,
                kind=self.kind,
                ref=f"{position} (id {native_id})" if native_id else position,
                actor=actor,
                actor_kind=actor_kind,
                text=text,
                native_id=native_id,
                parent_native_id=str(message["replyToId"]) if message.get("replyToId") else None,
                edited=bool(message.get("lastEditedDateTime")),
                meta={"subject": message["subject"]} if message.get("subject") else {},
            )

        parsed.collect(messages, read)
        return parsed.usable()


def _flatten(values: list[Any]) -> Iterator[tuple[str, Any]]:
    """Every message with its position, each root followed by its expanded replies."""
    for number, message in enumerate(values, start=1):
        yield f"value {number}", message
        if isinstance(message, dict) and isinstance(message.get("replies"), list):
            for reply_number, reply in enumerate(message["replies"], start=1):
                yield f"value {number} reply {reply_number}", reply


def _known_names(messages: Iterator[Any]) -> dict[str, str]:
    """Display names by user id, from senders and mentions: Graph leaves some of them null."""
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict):
            continue
        identities = [message.get("from")] + [
            m.get("mentioned") for m in as_list(message.get("mentions")) if isinstance(m, dict)
        ]
        for identity in identities:
            for party in _parties(identity):
                if isinstance(party.get("id"), str) and isinstance(party.get("displayName"), str):
                    names.setdefault(party["id"], party["displayName"])
    return names


def _parties(identity: Any) -> list[dict[str, Any]]:
    if not isinstance(identity, dict):
        return []
    return [identity[key] for key in ("user", "application", "device") if isinstance(identity.get(key), dict)]


def _sender(identity: Any, names: dict[str, str]) -> tuple[str, ActorKind]:
    if isinstance(identity, dict):
        if isinstance(identity.get("application"), dict):
            return _name(identity["application"], names, "app"), ActorKind.BOT
        if isinstance(identity.get("user"), dict):
            return _name(identity["user"], names, "unknown user"), ActorKind.HUMAN
        if isinstance(identity.get("device"), dict):
            return _name(identity["device"], names, "device"), ActorKind.SYSTEM
    return "Microsoft Teams", ActorKind.SYSTEM


def _name(party: dict[str, Any], names: dict[str, str], fallback: str) -> str:
    name = party.get("displayName") or names.get(str(party.get("id")))
    return str(name or party.get("id") or fallback)


def _text(message: dict[str, Any], names: dict[str, str]) -> str:
    body = as_object(message.get("body"))
    content = str(body.get("content") or "")
    images = 0
    if body.get("contentType") == "html":
        mentions = {str(m.get("id")): m for m in as_list(message.get("mentions")) if isinstance(m, dict)}
        content, images = html_text_and_images(
            _AT_RUN.sub(lambda run: _mention(run.group(0), mentions, names), content)
        )
    cards = [_card_text(a) for a in as_list(message.get("attachments")) if isinstance(a, dict)]
    # A screenshot (a graph, an error page) is said to be there: posted alone, it is still a message.
    pictures = f"[{images} image{'s' if images > 1 else ''}]" if images else ""
    return "\n".join(part for part in [content.strip(), *cards, pictures] if part)


def _mention(run: str, mentions: dict[str, Any], names: dict[str, str]) -> str:
    """One ``@Name`` per person in a run of at-tags; the tags' own text when the mention is unknown."""
    people: list[str] = []
    for tag_id in _AT_ID.findall(run):
        mention = mentions.get(tag_id) or {}
        parties = _parties(mention.get("mentioned"))
        name = _name(parties[0], names, "") if parties else str(mention.get("mentionText") or "")
        if name and (not people or people[-1] != name):
            people.append(name)
    return " ".join(f"@{name}" for name in people) or html_to_text(run)


def _card_text(attachment: dict[str, Any]) -> str:
    """The text blocks of a card (its ``content`` is a JSON string), or the attachment's name."""
    content = attachment.get("content")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except (ValueError, RecursionError):
            return html_to_text(content)
    texts: list[str] = []
    _collect_texts(content, texts)
    return "\n".join(texts) or str(attachment.get("name") or "")


def _collect_texts(node: Any, texts: list[str]) -> None:
    if isinstance(node, dict):
        for key in ("title", "text"):
            if isinstance(node.get(key), str) and node[key].strip():
                texts.append(node[key].strip())
        for value in node.values():
            if isinstance(value, dict | list):
                _collect_texts(value, texts)
    elif isinstance(node, list):
        for item in node:
            _collect_texts(item, texts)
