"""Zulip: the organization export (``realm.json`` + ``messages-NNNNNN.json``) and saved ``GET /messages`` responses.

A Zulip thread is a (channel, topic) pair, not a reply chain: every message of a topic is read as a
reply to the topic's first message. Topics renamed as "resolved" (``✔ …``) rename every message, so
the current topic is what groups them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import (
    UNKNOWN_ACTOR,
    Bundle,
    Document,
    Parsed,
    SourceOptions,
    as_list,
    as_object,
    guess_actor_kind,
)
from postmortem_writer.sources.html_text import html_to_text
from postmortem_writer.timeparse import epoch_instant

_MESSAGE_FILE = re.compile(r"^messages-\d+\.json$")
# Markdown mentions (``@**Name**``, silent ``@_**Name**``, ``@**Name|12**``) and channel links (``#**ops>topic**``).
_MENTION = re.compile(r"@_?\*\*([^*|]+)(?:\|\d+)?\*\*")
_CHANNEL_LINK = re.compile(r"#\*\*([^*>]+)(?:>([^*]+))?\*\*")
_STREAM, _PERSONAL = 2, 1


class ZulipExportAdapter:
    """Reads an unpacked (or zipped) Zulip organization export into chat events."""

    name = "zulip-export"
    kind = SourceKind.CHAT
    description = "Zulip organization export (realm.json + messages-000001.json …): the .tar.gz, unpacked or zipped"
    hint = "tar.gz, folder or zip with realm.json and messages-NNNNNN.json holding zerver_message"
    example = "postmortem draft zulip-export-acme.tar.gz"
    signature = ()  # an archive of many files: its members are compared, not the archive

    def sniff_bundle(self, bundle: Bundle) -> bool:
        """True when realm.json and a messages file sit together at the top or in the only folder."""
        root = _export_root(bundle.members)
        return root is not None and all(member.startswith(root) for member in bundle.members)

    def unclaimed(self, bundle: Bundle) -> list[str]:
        """Nothing: the rest of an export (attachments, avatars, user messages) is not a source."""
        return []

    def parse_bundle(self, bundle: Bundle, options: SourceOptions) -> Parsed:
        """One event per message in every messages file; ``date_sent`` is a UTC epoch, so ``options`` is unused."""
        root = _export_root(bundle.members)
        if root is None:
            raise InputError("expected a realm.json beside messages-NNNNNN.json files", path=bundle.name)
        realm_doc = bundle.open(root + "realm.json")
        realm = realm_doc.json
        if not isinstance(realm, dict):
            raise InputError("expected a JSON object", path=realm_doc.name)
        people = _people(realm)
        places = _places(realm)
        parsed = Parsed()
        for member in bundle.members:
            if PurePosixPath(member).parent.as_posix() + "/" != (root or "./") or not _MESSAGE_FILE.match(
                PurePosixPath(member).name
            ):
                continue
            doc = bundle.open(member)
            messages = as_object(doc.json).get("zerver_message")
            if not isinstance(messages, list):
                raise InputError("expected an object with a 'zerver_message' list", path=doc.name)

            def read(position: str, message: Any, path: str = doc.name) -> Event:
                if not isinstance(message, dict):
                    raise InputError("not a Zulip message (not an object)", path=path, position=position)
                sender = str(message.get("sender"))
                actor, kind = people.get(sender, (f"user {sender}", ActorKind.HUMAN))
                html = message.get("rendered_content")
                return _event(
                    self.name,
                    path,
                    position,
                    message,
                    when=message.get("date_sent"),
                    when_field="date_sent",
                    sender=(actor, kind),
                    place=places.get(str(message.get("recipient")), "direct message"),
                    text=html_to_text(html) if isinstance(html, str) else _plain(str(message.get("content") or "")),
                    history=message.get("edit_history"),
                )

            parsed.collect(((f"message {n}", m) for n, m in enumerate(messages, start=1)), read)
        _thread_by_topic(parsed.events)
        return parsed.usable()


class ZulipApiAdapter:
    """Reads a saved ``GET /api/v1/messages`` response into chat events."""

    name = "zulip-api"
    kind = SourceKind.CHAT
    description = "Zulip GET /messages response saved to a file"
    hint = '{"result": "success", "messages": [{"sender_full_name", "timestamp", "subject", ...}]}'
    example = "postmortem draft zulip-messages.json"
    signature = (("messages",), ("sender_full_name", "sender_email"), ("subject", "display_recipient"), ("sender_id",))

    def sniff(self, doc: Document) -> bool:
        """True for a ``result`` + ``messages`` object whose first message has Zulip's sender fields."""
        data = doc.try_json()
        if not isinstance(data, dict) or "result" not in data or not isinstance(data.get("messages"), list):
            return False
        first = data["messages"][0] if data["messages"] else {}
        return isinstance(first, dict) and "sender_full_name" in first

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per message; ``timestamp`` is a UTC epoch, so ``options`` is unused."""
        messages = as_object(doc.json).get("messages")
        if not isinstance(messages, list):
            raise InputError('expected a GET /messages response object with a "messages" list', path=doc.name)
        parsed = Parsed()

        def read(position: str, message: Any) -> Event:
            if not isinstance(message, dict):
                raise InputError("not a Zulip message (not an object)", path=doc.name, position=position)
            name = str(message.get("sender_full_name") or message.get("sender_email") or UNKNOWN_ACTOR)
            recipient = message.get("display_recipient")
            place = recipient if isinstance(recipient, str) else "direct message"
            content = str(message.get("content") or "")
            markdown = message.get("content_type") == "text/markdown"
            return _event(
                self.name,
                doc.name,
                position,
                message,
                when=message.get("timestamp"),
                when_field="timestamp",
                sender=(name, guess_actor_kind(name)),
                place=place,
                text=_plain(content) if markdown else html_to_text(content),
                history=message.get("edit_history"),
            )

        parsed.collect(((f"message {n}", m) for n, m in enumerate(messages, start=1)), read)
        _thread_by_topic(parsed.events)
        return parsed.usable()


def _export_root(members: list[str]) -> str | None:
    """The folder prefix ("" or "name/") holding realm.json and a messages file, if any."""
    present = set(members)
    for member in members:
        path = PurePosixPath(member)
        if path.name == "realm.json" and len(path.parts) <= 2:
            prefix = "" if len(path.parts) == 1 else f"{path.parts[0]}/"
            if any(m.startswith(prefix) and _MESSAGE_FILE.match(m.removeprefix(prefix)) for m in present):
                return prefix
    return None


def _people(realm: dict[str, Any]) -> dict[str, tuple[str, ActorKind]]:
    """Name and kind by user id; the cross-realm bots (Notification Bot) are the platform speaking."""
    people: dict[str, tuple[str, ActorKind]] = {}
    for user in as_list(realm.get("zerver_userprofile")):
        if isinstance(user, dict):
            name = str(user.get("full_name") or user.get("email") or f"user {user.get('id')}")
            people[str(user.get("id"))] = (name, ActorKind.BOT if user.get("is_bot") else ActorKind.HUMAN)
    for bot in as_list(realm.get("zerver_userprofile_crossrealm")):
        if isinstance(bot, dict):
            handle = str(bot.get("full_name") or str(bot.get("email") or "zulip").split("@")[0])
            people[str(bot.get("id"))] = (handle, ActorKind.SYSTEM)
    return people


def _places(realm: dict[str, Any]) -> dict[str, str]:
    """Channel name by recipient id; direct messages are named as such."""
    streams = {str(s.get("id")): s.get("name") for s in as_list(realm.get("zerver_stream")) if isinstance(s, dict)}
    places: dict[str, str] = {}
    for recipient in as_list(realm.get("zerver_recipient")):
        if not isinstance(recipient, dict):
            continue
        if recipient.get("type") == _STREAM:
            name = streams.get(str(recipient.get("type_id")))
            places[str(recipient.get("id"))] = str(name or f"channel {recipient.get('type_id')}")
        else:
            places[str(recipient.get("id"))] = (
                "direct message" if recipient.get("type") == _PERSONAL else "group message"
            )
    return places


def _event(
    fmt: str,
    path: str,
    position: str,
    message: dict[str, Any],
    *,
    when: object,
    when_field: str,
    sender: tuple[str, ActorKind],
    place: str,
    text: str,
    history: Any,
) -> Event:
    topic = str(message.get("subject") or "")
    native_id = str(message.get("id") or "") or None
    meta: dict[str, Any] = {"channel": place}
    if topic:
        meta["topic"] = topic
    return Event(
        ts=epoch_instant(when, field=when_field, path=path, position=position),
        source=path,
        format=fmt,
        kind=SourceKind.CHAT,
        ref=f"{position} (id {native_id})" if native_id else position,
        actor=sender[0],
        actor_kind=sender[1],
        text=text,
        native_id=native_id,
        edited=_content_edited(history),
        meta=meta,
    )


def _content_edited(history: Any) -> bool:
    """Whether the text was edited; a topic rename (marking a topic resolved) is not an edit of the message."""
    if isinstance(history, str):
        try:
            history = json.loads(history)
        except (ValueError, RecursionError):
            return False
    entries: Iterable[Any] = history if isinstance(history, list) else []
    return any(isinstance(entry, dict) and "prev_content" in entry for entry in entries)


def _thread_by_topic(events: list[Event]) -> None:
    """Make every message of a (channel, topic) a reply to the topic's first message."""
    first: dict[tuple[Any, Any], Event] = {}
    for event in sorted(events, key=lambda e: e.ts):
        key = (event.meta.get("channel"), event.meta.get("topic"))
        if key[1] is None:
            continue
        parent = first.setdefault(key, event)
        if parent is not event:
            event.parent_native_id = parent.native_id


def _plain(markdown: str) -> str:
    """Zulip markdown with mentions as ``@Name`` and channel links as ``#channel > topic``."""
    text = _MENTION.sub(lambda m: "@" + m.group(1), markdown)
    return _CHANNEL_LINK.sub(lambda m: "#" + m.group(1) + (f" > {m.group(2)}" if m.group(2) else ""), text)
