"""Mattermost bulk export (JSON Lines, as ``mmctl export create`` writes it)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import (
    UNKNOWN_ACTOR,
    Document,
    Parsed,
    SourceOptions,
    as_list,
    as_object,
    guess_actor_kind,
    jsonl_records,
)
from postmortem_writer.sources.slack_messages import attachment_text
from postmortem_writer.timeparse import epoch_instant

_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])", re.IGNORECASE)
_CHANNEL_LINK = re.compile(r"(?<![\w~])~([a-z0-9][a-z0-9_-]*)", re.IGNORECASE)
_POSTS = ("post", "direct_post")


class MattermostAdapter:
    """Reads a Mattermost bulk export into one chat event per post and reply."""

    name = "mattermost"
    kind = SourceKind.CHAT
    description = "Mattermost bulk export (JSON Lines from mmctl export, unzipped)"
    hint = 'JSON Lines whose first line is {"type":"version",...}; users, posts and direct_posts follow'
    example = "postmortem draft mattermost/import.jsonl"
    signature = (("type",), ("version",), ("post", "direct_post"), ("create_at",))

    def sniff(self, doc: Document) -> bool:
        """True when the first line is a bulk-export version record."""
        first = doc.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        if not first.startswith(b"{"):
            return False
        try:
            record = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(record, dict) and record.get("type") == "version"

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per post and nested reply; times are epoch milliseconds (UTC), so ``options`` is unused."""
        parsed = Parsed()
        records = list(_records(doc, parsed))
        people = _people(record for _, record in records)
        channels = {
            str(as_object(record.get("channel")).get("name"))
            for _, record in records
            if record.get("type") == "channel"
        }
        events: list[Event] = []

        def read(position: str, record: dict[str, Any]) -> Event | None:
            kind = record.get("type")
            if kind in ("user", "bot", "version", "team", "channel", "direct_channel", "scheme", "role", "emoji"):
                return None
            if kind not in _POSTS:
                parsed.dropped[f"record type {kind}"] += 1
                return None
            post = as_object(record.get(kind))
            if _housekeeping(post):
                parsed.dropped["system message"] += 1
                return None
            channel = _channel(post, kind)
            names = _Names(people, channels)
            root = _event(self.name, doc.name, position, post, channel, names, None)
            for number, reply in enumerate(as_list(post.get("replies")), start=1):
                if _housekeeping(reply):
                    parsed.dropped["system message"] += 1
                    continue
                try:
                    events.append(
                        _event(self.name, doc.name, f"{position} reply {number}", reply, channel, names, root.native_id)
                    )
                except InputError as exc:
                    parsed.skipped.append(exc)
            return root

        parsed.collect(records, read)
        parsed.events.extend(events)
        return parsed.usable()


def _records(doc: Document, parsed: Parsed) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each line's object with its position; a line that is not a JSON object is skipped with a warning."""
    for position, record in jsonl_records(doc.name, doc.text):
        if isinstance(record, InputError):
            parsed.skipped.append(record)
        elif isinstance(record, dict):
            yield position, record
        else:
            parsed.skipped.append(InputError("not a JSON object", path=doc.name, position=position))


def _people(records: Iterator[dict[str, Any]]) -> dict[str, tuple[str, ActorKind]]:
    """Name and kind by username, from the export's user and bot records."""
    people: dict[str, tuple[str, ActorKind]] = {}
    for record in records:
        if record.get("type") == "user":
            user = as_object(record.get("user"))
            # The full name first (not the nickname) so people match the names other sources give them.
            full = f"{user.get('first_name') or ''} {user.get('last_name') or ''}".strip()
            name = full or user.get("nickname") or user.get("username")
            if user.get("username") and name:
                people[str(user["username"])] = (str(name), guess_actor_kind(str(user["username"])))
        elif record.get("type") == "bot":
            bot = as_object(record.get("bot"))
            if bot.get("username"):
                people[str(bot["username"])] = (str(bot.get("display_name") or bot["username"]), ActorKind.BOT)
    return people


# Newer exports give posts and replies a "type"; "system_*" ones are joins,
# leaves, renames and the like, which say nothing about the incident, except a header change: the
# channel's topic, as Slack's channel_topic.
_HEADER_CHANGE = "system_header_change"


def _housekeeping(post: Any) -> bool:
    kind = as_object(post).get("type")
    return isinstance(kind, str) and kind.startswith("system_") and kind != _HEADER_CHANGE


def _channel(post: dict[str, Any], kind: str) -> str:
    if kind == "direct_post":
        return "dm:" + ",".join(sorted(str(member) for member in as_list(post.get("channel_members"))))
    return str(post.get("channel") or "")


def _event(
    fmt: str,
    path: str,
    position: str,
    post: Any,
    channel: str,
    names: _Names,
    parent: str | None,
) -> Event:
    if not isinstance(post, dict):
        raise InputError("not a Mattermost post (not an object)", path=path, position=position)
    moment = epoch_instant(post.get("create_at"), field="create_at", path=path, position=position, per_second=1000)
    props = as_object(post.get("props"))
    username = str(post.get("user") or "")
    actor, actor_kind = names.people.get(username, (username or UNKNOWN_ACTOR, ActorKind.HUMAN))
    if str(props.get("from_webhook")).lower() == "true" or props.get("from_bot"):
        actor, actor_kind = str(props.get("override_username") or actor), ActorKind.BOT
    parts = [names.plain(str(post.get("message") or ""))]
    parts += [attachment_text(a) for a in as_list(props.get("attachments")) if isinstance(a, dict)]
    if not any(part.strip() for part in parts):
        paths = [str(as_object(a).get("path") or "") for a in as_list(post.get("attachments"))]
        parts = [f"[file: {name.rsplit('/', 1)[-1]}]" for name in paths if name]
    # Posts have no id in an export; channel and creation time name one (import de-duplicates on them too).
    native_id = f"{channel}:{post['create_at']}:{username}"
    return Event(
        ts=moment,
        source=path,
        format=fmt,
        kind=SourceKind.CHAT,
        ref=position,
        actor=actor,
        actor_kind=actor_kind,
        text="\n".join(part for part in parts if part.strip()),
        native_id=native_id,
        parent_native_id=parent,
        signal=Signal.TOPIC if post.get("type") == _HEADER_CHANGE else None,
        edited=bool(post.get("edit_at")),
        meta={"channel": channel},
    )


class _Names:
    """The export's people and channels, for spelling out ``@username`` and ``~channel``."""

    def __init__(self, people: dict[str, tuple[str, ActorKind]], channels: set[str]):
        self.people = people
        self.channels = channels

    def plain(self, message: str) -> str:
        """``@username`` as the person's name and ``~channel`` as ``#channel``; other text as written."""
        named = _MENTION.sub(self._person, message)
        # Only the export's own channels: "~09:04" is an approximate time, not a channel.
        return _CHANNEL_LINK.sub(lambda m: "#" + m.group(1) if m.group(1) in self.channels else m.group(0), named)

    def _person(self, match: re.Match[str]) -> str:
        found = self.people.get(match.group(1))
        return "@" + found[0] if found else match.group(0)
