"""Slack message objects, as both the workspace export and the Web API hand them out: names, mrkdwn, events."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import UNKNOWN_ACTOR, Document, as_list, as_object
from postmortem_writer.timeparse import epoch_instant

# Housekeeping rows that say nothing about the incident; tombstones are deleted messages.
_DROPPED_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "tombstone",
        "bot_add",
        "bot_remove",
        "bot_enable",
        "bot_disable",
        "pinned_item",
        "unpinned_item",
        "channel_purpose",
        "group_purpose",
        "channel_name",
        "group_name",
        "channel_archive",
        "channel_unarchive",
        "group_archive",
        "group_unarchive",
    }
)

# Where a workspace's members are listed: exports (Enterprise Grid writes org_users.json), or a
# users.list response saved by hand and named for the method.
USER_LISTS = ("users.json", "org_users.json", "users.list.json")
_TOKEN = re.compile(r"<([^<>\n]+)>")
_SPECIAL_MENTIONS = {"here", "channel", "everyone"}


class SlackNames:
    """Names of users, bots and channels, and turning one Slack message into an event with them.

    Shared by every Slack format (workspace export, Web API responses): the message objects are the same.
    """

    def __init__(self, users: Iterable[dict[str, Any]] = (), channels: Iterable[dict[str, Any]] = ()):
        self.users: dict[str, dict[str, Any]] = {str(user.get("id")): user for user in users}
        self.channels: dict[str, str] = {
            str(channel.get("id")): channel["name"] for channel in channels if isinstance(channel.get("name"), str)
        }
        self._names: dict[str, str] = {}
        self.bots = {
            user["profile"]["bot_id"]: user
            for user in self.users.values()
            if isinstance(user.get("profile"), dict) and isinstance(user["profile"].get("bot_id"), str)
        }

    def event(self, message: Any, channel: str, source: str, fmt: str, position: str) -> Event | None:
        """The event for ``message`` (read by the adapter named ``fmt``), or ``None`` for housekeeping rows.

        A record that is not a message (no object, no valid ``ts``) is an error naming ``position``.
        """
        if not isinstance(message, dict) or not isinstance(message.get("ts"), str):
            raise InputError("not a Slack message (no 'ts')", path=source, position=position)
        ts: str = message["ts"]
        moment = epoch_instant(ts, field="ts", path=source, position=position)
        subtype = message.get("subtype")
        if (isinstance(subtype, str) and subtype in _DROPPED_SUBTYPES) or message.get("hidden"):
            return None
        thread_ts = message.get("thread_ts")
        # A file comment (older exports) has no author of its own: the comment names its writer.
        author = message.get("user") or as_object(message.get("comment")).get("user")
        user_id = author if isinstance(author, str) else None
        is_bot = subtype == "bot_message" or "bot_id" in message or bool(self.users.get(str(user_id), {}).get("is_bot"))
        actor = self._bot_name(message) if is_bot else self._user_name(user_id, message.get("user_profile"))
        if user_id == "USLACKBOT" or actor == UNKNOWN_ACTOR:
            actor_kind = ActorKind.SYSTEM
        elif is_bot:
            actor_kind = ActorKind.BOT
        else:
            actor_kind = ActorKind.HUMAN
        text = self._content(message)
        if not text:
            return None  # nothing a reader would see: counted as dropped by the caller
        return Event(
            ts=moment,
            source=source,
            format=fmt,
            kind=SourceKind.CHAT,
            ref=f"{channel} ts {ts}".lstrip(),
            actor=actor,
            actor_kind=actor_kind,
            text=text,
            signal=Signal.TOPIC if subtype == "channel_topic" else None,
            native_id=f"{channel}:{ts}",
            parent_native_id=f"{channel}:{thread_ts}" if isinstance(thread_ts, str) and thread_ts != ts else None,
            edited="edited" in message,
            meta={"channel": channel},
        )

    def _user_name(self, user_id: Any, snapshot: Any = None) -> str:
        # Every message asks for its author's name: work each listed user's out once.
        known = self._names.get(user_id) if isinstance(user_id, str) else None
        if known is not None:
            return known
        user = self.users.get(str(user_id))
        names: tuple[Any, ...] = ()
        if user is not None:
            # The full name comes first (not Slack's display name) so people match the names other
            # sources (PagerDuty, pasted chat) give them.
            profile = as_object(user.get("profile"))
            names = (profile.get("real_name"), user.get("real_name"), profile.get("display_name"), user.get("name"))
        elif isinstance(snapshot, dict):
            names = (snapshot.get("real_name"), snapshot.get("display_name"), snapshot.get("name"))
        name = next((name for name in names if isinstance(name, str) and name.strip()), str(user_id or UNKNOWN_ACTOR))
        if user is not None and isinstance(user_id, str):
            self._names[user_id] = name
        return name

    def _bot_name(self, message: dict[str, Any]) -> str:
        profile = as_object(message.get("bot_profile"))
        # Legacy integrations name themselves only in their attachments ("service_name": "Jenkins").
        attachments = [a for a in as_list(message.get("attachments")) if isinstance(a, dict)]
        signed = [a.get(key) for key in ("service_name", "author_name") for a in attachments]
        for candidate in (message.get("username"), profile.get("name"), *signed):
            if isinstance(candidate, str) and candidate.strip():
                return candidate
        if isinstance(message.get("user"), str) and message["user"] in self.users:
            return self._user_name(message["user"])
        bot_user = self.bots.get(str(message.get("bot_id")))
        if bot_user is not None:
            return self._user_name(bot_user["id"])
        return str(message.get("bot_id") or message.get("user") or "bot")

    def _content(self, message: dict[str, Any]) -> str:
        # Alerting integrations post an empty ``text`` and put everything in attachments; Block
        # Kit and file names are the last resort so no message becomes an empty event.
        text = str(message.get("text") or "")
        attachments = message.get("attachments")
        if attachments:
            parts = [text] + [attachment_text(a) for a in as_list(attachments) if isinstance(a, dict)]
            text = "\n".join(part for part in parts if part.strip())
        elif not text.strip():
            text = ""  # the join above drops a blank text; most messages have no attachments and skip it
        if not text:
            text = "\n".join(_block_texts(as_list(message.get("blocks"))))
        if not text:
            names = [f.get("title") or f.get("name") for f in as_list(message.get("files")) if isinstance(f, dict)]
            text = "\n".join(f"[file: {name}]" for name in names if name)
        return self._plain(text)

    def _plain(self, mrkdwn: str) -> str:
        """Slack mrkdwn with mentions, channels and links spelled out as a reader sees them."""
        # Most messages have neither tokens nor entities; the checks are cheaper than the passes.
        converted = _TOKEN.sub(lambda match: self._token(match.group(1)), mrkdwn) if "<" in mrkdwn else mrkdwn
        if "&" not in converted:
            return converted
        # Entities are undone only after the <…> tokens are gone, so "&lt;x&gt;" never becomes a token.
        return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    def _token(self, inner: str) -> str:
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            return "@" + (self._user_name(user) if user in self.users else label.lstrip("@") or user)
        if target.startswith("#"):
            return "#" + (label or self.channels.get(target[1:], target[1:]))
        if target.startswith("!"):
            command = target[1:]
            if command in _SPECIAL_MENTIONS:
                return "@" + command
            if command.startswith("subteam^"):
                return label or "@" + command.removeprefix("subteam^")
            return label or command
        return f"{label} ({target})" if label and label != target else target


def attachment_text(attachment: dict[str, Any]) -> str:
    """The text of a Slack-style legacy attachment (Mattermost webhooks post them too)."""
    lines = [str(attachment[key]) for key in ("pretext", "title", "text") if attachment.get(key)]
    for field_ in as_list(attachment.get("fields")):
        if isinstance(field_, dict):
            lines.append(f"{field_.get('title', '')}: {field_.get('value', '')}".strip(": "))
    if not lines and attachment.get("fallback"):
        lines.append(str(attachment["fallback"]))
    return "\n".join(lines)


def _block_texts(blocks: list[Any]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates = [block.get("text"), *as_list(block.get("fields")), *as_list(block.get("elements"))]
        for item in candidates:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                texts.append(item["text"])
    return texts


def users_beside(doc: Document) -> list[dict[str, Any]]:
    """The members of a users.json next to ``doc`` on disk, or one folder up (a day file's export root).

    The file may be a ``users.list`` response (``{"members": [...]}``) or the export's plain array.
    """
    folder = Path(doc.name).parent
    for place in (folder, folder.parent):
        for name in USER_LISTS:
            path = place / name
            if not path.is_file():
                continue
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError, RecursionError):
                raise InputError("cannot read this user list as JSON", path=str(path)) from None
            members = data.get("members") if isinstance(data, dict) else data
            if isinstance(members, list):
                return [member for member in members if isinstance(member, dict)]
    return []
