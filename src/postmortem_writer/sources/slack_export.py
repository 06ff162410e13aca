"""Slack workspace export (a folder or zip of ``channels.json``, ``users.json`` and day files)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, SourceKind
from postmortem_writer.sources.base import Bundle, Document, Parsed, SourceOptions
from postmortem_writer.sources.slack_messages import USER_LISTS, SlackNames, users_beside

_CHANNEL_LISTS = ("channels.json", "groups.json", "dms.json", "mpims.json")
_SLACK_TS = re.compile(r"^\d{9,11}\.\d{6}$")


class SlackExportAdapter:
    """Reads a Slack workspace export into one chat event per message."""

    name = "slack-export"
    kind = SourceKind.CHAT
    description = "Slack workspace export (zip or unpacked folder)"
    hint = "folder or zip with channels.json + users.json and <channel>/<YYYY-MM-DD>.json day files"
    example = "postmortem draft slack-export.zip"
    signature = ()  # an archive of many files: its members are compared, not the archive

    def sniff_bundle(self, bundle: Bundle) -> bool:
        """True when the bundle is an export: channel and user lists at its top or in its only folder."""
        root = _export_root(bundle.members)
        return root is not None and all(member.startswith(root) for member in bundle.members)

    def unclaimed(self, bundle: Bundle) -> list[str]:
        """Everything but channel day files and the export's own lists (a deploys.csv beside them)."""
        root = _export_root(bundle.members) or ""
        relative = ((member, PurePosixPath(member.removeprefix(root))) for member in bundle.members)
        return [m for m, path in relative if len(path.parts) != 2 and path.name not in _EXPORT_FILES]

    def parse_bundle(self, bundle: Bundle, options: SourceOptions) -> Parsed:
        """One event per message in every channel folder (times are UTC epochs; ``options`` is unused)."""
        members = bundle.members
        root = _export_root(members) or ""
        workspace = _names(bundle, root, members)
        parsed = Parsed()
        for member in members:
            relative = PurePosixPath(member.removeprefix(root))
            if not member.startswith(root) or len(relative.parts) != 2 or relative.suffix != ".json":
                continue
            doc = bundle.open(member)
            messages = doc.json
            if not isinstance(messages, list):
                raise InputError("expected a JSON array of messages in a channel folder", path=doc.name)
            channel = relative.parts[0]

            def read(position: str, message: Any, channel: str = channel, path: str = doc.name) -> Event | None:
                event = workspace.event(message, channel, path, self.name, position)
                if event is None:
                    parsed.dropped[str(message.get("subtype") or "empty")] += 1
                return event

            parsed.collect(((f"message {n}", m) for n, m in enumerate(messages, start=1)), read)
        return parsed.usable()


class SlackDayFileAdapter:
    """Reads one channel day file on its own (or from a third-party exporter's folder without lists)."""

    name = "slack-day-file"
    kind = SourceKind.CHAT
    description = "One Slack export day file (<channel>/<YYYY-MM-DD>.json) read on its own"
    hint = (
        'JSON array of {"type": "message", "ts": "1741079942.590465", ...} ("type" may be missing);'
        " names from users.json one folder up"
    )
    example = "postmortem draft slack-export/inc-checkout-latency/2025-03-04.json"
    signature = (("ts",), ("user", "bot_id"), ("text",), ("type", "subtype", "thread_ts"))

    def sniff(self, doc: Document) -> bool:
        """True for an array whose first records are messages with Slack ``ts`` strings."""
        data = doc.try_json()
        if not isinstance(data, list) or not data:
            return False
        head = data[:5]
        # Messages saved by other tools (conversations.history pages joined, bots' archives) lack "type".
        return all(
            isinstance(m, dict)
            and m.get("type", "message") == "message"
            and _SLACK_TS.match(str(m.get("ts")))
            and ("type" in m or bool({"user", "bot_id", "text"} & m.keys()))
            for m in head
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per message; the channel is the file's folder (times are UTC epochs; ``options`` is unused)."""
        names = SlackNames(users_beside(doc))
        channel = PurePosixPath(doc.name.replace("\\", "/")).parent.name
        parsed = Parsed()

        def read(position: str, message: Any) -> Event | None:
            event = names.event(message, channel, doc.name, self.name, position)
            if event is None:
                parsed.dropped[str(message.get("subtype") or "empty")] += 1
            return event

        parsed.collect(((f"message {n}", m) for n, m in enumerate(doc.json, start=1)), read)
        return parsed.usable()


# Top-level files of workspace exports (Enterprise Grid and newer exports add some of these).
_EXPORT_FILES = frozenset(
    {
        "channels.json", "groups.json", "dms.json", "mpims.json", "users.json", "org_users.json",
        "integration_logs.json", "canvases.json", "content_flags.json", "huddle_transcripts.json",
        "file_conversations.json", "lists.json",
    }
)  # fmt: skip


def _export_root(members: list[str]) -> str | None:
    """The folder prefix ("" or "name/") where the export's top-level lists live, if any."""
    present = set(members)
    for member in members:
        path = PurePosixPath(member)
        if path.name in _CHANNEL_LISTS and len(path.parts) <= 2:
            prefix = "" if len(path.parts) == 1 else f"{path.parts[0]}/"
            if any(prefix + users in present for users in USER_LISTS):
                return prefix
    return None


def _names(bundle: Bundle, root: str, members: list[str]) -> SlackNames:
    users = [user for name in USER_LISTS for user in _read_list(bundle, root + name, members)]
    channels = [channel for name in _CHANNEL_LISTS for channel in _read_list(bundle, root + name, members)]
    return SlackNames(users, channels)


def _read_list(bundle: Bundle, member: str, members: list[str]) -> list[dict[str, Any]]:
    if member not in members:
        return []
    doc = bundle.open(member)
    data = doc.json
    if not isinstance(data, list):
        raise InputError("expected a JSON array", path=doc.name)
    return [item for item in data if isinstance(item, dict)]
