"""The adapters we know, in sniffing order, and reading paths into events with them."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from postmortem_writer.errors import InputError, UsageError, printable
from postmortem_writer.models import ActorKind, Event, InputFile
from postmortem_writer.sources.alertmanager import AlertmanagerAdapter
from postmortem_writer.sources.argocd import ArgoCDApplicationAdapter, ArgoCDHistoryTextAdapter
from postmortem_writer.sources.base import (
    UNKNOWN_ACTOR,
    Bundle,
    BundleAdapter,
    Document,
    DocumentAdapter,
    Parsed,
    SourceOptions,
    is_tar,
)
from postmortem_writer.sources.chat_text import ChatTextAdapter
from postmortem_writer.sources.cloudwatch import CloudWatchAlarmHistoryAdapter
from postmortem_writer.sources.collapse import REPEATED, collapse_alerts
from postmortem_writer.sources.datadog import DatadogEventsAdapter
from postmortem_writer.sources.deploys import DeployHistoryAdapter
from postmortem_writer.sources.discord import DiscordAdapter
from postmortem_writer.sources.git_log import GitLogAdapter
from postmortem_writer.sources.github_actions import GitHubActionsRunsAdapter
from postmortem_writer.sources.github_deployments import GitHubDeploymentsAdapter
from postmortem_writer.sources.grafana import GrafanaWebhookAdapter
from postmortem_writer.sources.heroku_releases import HerokuReleasesAdapter
from postmortem_writer.sources.kubectl_rollout import KubectlRolloutHistoryAdapter
from postmortem_writer.sources.kubernetes_events import KubernetesEventsAdapter
from postmortem_writer.sources.kubernetes_replicasets import KubernetesReplicaSetsAdapter
from postmortem_writer.sources.limits import check_file_size, read_file
from postmortem_writer.sources.mattermost import MattermostAdapter
from postmortem_writer.sources.nearest import nearest
from postmortem_writer.sources.opsgenie import OpsgenieAdapter
from postmortem_writer.sources.pagerduty import PagerDutyIncidentsAdapter, PagerDutyLogEntriesAdapter
from postmortem_writer.sources.pagerduty_csv import PagerDutyCsvAdapter
from postmortem_writer.sources.pagerduty_webhooks import PagerDutyWebhooksAdapter
from postmortem_writer.sources.records import RecordsAdapter
from postmortem_writer.sources.scope import apply_scope
from postmortem_writer.sources.slack_api import SlackApiAdapter
from postmortem_writer.sources.slack_export import SlackDayFileAdapter, SlackExportAdapter
from postmortem_writer.sources.spinnaker import SpinnakerExecutionsAdapter
from postmortem_writer.sources.teams import TeamsAdapter
from postmortem_writer.sources.timestamped_log import TimestampedLogAdapter
from postmortem_writer.sources.zulip import ZulipApiAdapter, ZulipExportAdapter

# Past this many, one file's skips are summed up rather than listed: a thousand warnings hide the rest.
_SKIPS_SHOWN = 20

_RECORDS = RecordsAdapter()

# Order matters: the most specific formats come first, catch-alls (plain text) last.
BUNDLE_ADAPTERS: tuple[BundleAdapter, ...] = (SlackExportAdapter(), ZulipExportAdapter())
DOCUMENT_ADAPTERS: tuple[DocumentAdapter, ...] = (
    SlackDayFileAdapter(),
    SlackApiAdapter(),
    PagerDutyIncidentsAdapter(),
    PagerDutyLogEntriesAdapter(),
    PagerDutyCsvAdapter(),
    PagerDutyWebhooksAdapter(),
    OpsgenieAdapter(),
    AlertmanagerAdapter(),
    GrafanaWebhookAdapter(),
    CloudWatchAlarmHistoryAdapter(),
    DatadogEventsAdapter(),
    GitHubDeploymentsAdapter(),
    GitHubActionsRunsAdapter(),
    ArgoCDApplicationAdapter(),
    ArgoCDHistoryTextAdapter(),
    KubernetesEventsAdapter(),
    KubernetesReplicaSetsAdapter(),
    KubectlRolloutHistoryAdapter(),
    GitLogAdapter(),
    HerokuReleasesAdapter(),
    SpinnakerExecutionsAdapter(),
    TeamsAdapter(),
    DiscordAdapter(),
    MattermostAdapter(),
    ZulipApiAdapter(),
    DeployHistoryAdapter(),
    _RECORDS,
    ChatTextAdapter(),
    TimestampedLogAdapter(),
)


def adapter_names() -> list[str]:
    """Every format name ``--source-format`` accepts."""
    return [a.name for a in BUNDLE_ADAPTERS] + [a.name for a in DOCUMENT_ADAPTERS]


@dataclass
class Loaded:
    """Everything read from the user's paths."""

    events: list[Event] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the scope kept ("kept 120 of 5400 events (since …)"), when it left anything out.
    scope_note: str | None = None

    def add(self, path: str, fmt: str, sha256: str, parsed: Parsed) -> None:
        """Take one source's results, turning each skipped record into a warning."""
        for event in parsed.events:
            if event.actor == UNKNOWN_ACTOR:
                # A source that names no author names no person: never listed as a responder.
                event.actor_kind = ActorKind.SYSTEM
        self.events.extend(parsed.events)
        self.inputs.append(
            InputFile(
                path=path,
                format=fmt,
                sha256=sha256,
                events=len(parsed.events),
                skipped=len(parsed.skipped),
                dropped=dict(sorted(parsed.dropped.items())),
            )
        )
        # Skips say why one by one; a source all dropped as noise would otherwise say nothing.
        if not parsed.events and parsed.dropped:
            self.warnings.append(f"{path}: {_nothing_kept(fmt, parsed)}")
        shown = parsed.skipped[:_SKIPS_SHOWN]
        self.warnings.extend(f"skipped {error}" for error in shown)
        if len(parsed.skipped) > len(shown):
            self.warnings.append(f"{path}: skipped {len(parsed.skipped)} malformed records in all")


def _nothing_kept(fmt: str, parsed: Parsed) -> str:
    """What a source whose every record was left out held, and why: "read 3 records as …, none kept: …"."""
    reasons = [f"{count} {reason}" for reason, count in parsed.dropped.most_common()]
    if parsed.skipped:
        reasons.append(f"{len(parsed.skipped)} unreadable ({parsed.skipped[0].message})")
    total = sum(parsed.dropped.values()) + len(parsed.skipped)
    return f"read {total} record{'s' if total != 1 else ''} as {fmt}, none kept: {', '.join(reasons)}"


def load_sources(paths: list[Path], options: SourceOptions) -> Loaded:
    """Read every path (file, folder or zip) with the adapter its content calls for."""
    if options.source_format is not None and options.source_format not in adapter_names():
        raise UsageError(f"unknown source format {options.source_format!r}; known: {', '.join(adapter_names())}")
    loaded = Loaded()
    for path in paths:
        display = printable(str(path))
        if not path.exists():
            raise InputError("no such file or folder", path=display)
        limit = options.max_input_bytes
        # Refused here, before even the first bytes are read to tell an archive from a file.
        check_file_size(path, display, limit)
        # Only a regular file is looked into twice: reading a pipe's first bytes would lose them.
        if path.is_dir() or (path.is_file() and (_is_zip(path) or is_tar(path))):
            _load_bundle(Bundle.from_path(path, display, limit), options, loaded)
        else:
            _load_document(Document(display, read_file(path, display, limit)), options, loaded, strict=True)
    loaded.events, merged = collapse_alerts(loaded.events)
    for record in loaded.inputs:
        if merged[record.path]:
            record.dropped = dict(sorted({**record.dropped, REPEATED: merged[record.path]}.items()))
    if loaded.events:
        scoped = apply_scope(loaded.events, options.scope, options.tz, [record.path for record in loaded.inputs])
        loaded.events, loaded.scope_note = scoped.events, scoped.note
        loaded.warnings.extend(scoped.warnings)
    return loaded


def shareable_names(paths: list[Path], events: list[Event], inputs: list[InputFile]) -> None:
    """Name the inputs in ``events`` and ``inputs`` so that a draft never shows a home folder's absolute path.

    A relative path stays as written; an absolute one inside the current folder becomes relative to
    it; the others relative to their common parent folder (``/home/ana/inc/chat.txt`` beside
    ``/home/ana/inc/pd.json`` is ``chat.txt``; a folder ``/home/ana/inc/sources`` is ``sources``).
    Errors and warnings keep the path as given: they are for the user at the keyboard.
    """
    cwd = Path.cwd()
    outside = [path for path in paths if path.is_absolute() and not path.is_relative_to(cwd)]
    base = Path(os.path.commonpath([path.parent for path in outside])) if outside else cwd
    renamed = {
        str(path): str(path.relative_to(cwd if path.is_relative_to(cwd) else base))
        for path in paths
        if path.is_absolute()
    }
    # Longest first, so an input inside another input's folder is renamed by its own name.
    prefixes = sorted(renamed, key=len, reverse=True)

    def shared(name: str) -> str:
        for prefix in prefixes:
            if name == prefix or name.startswith((f"{prefix}/", f"{prefix}:")):
                return renamed[prefix] + name[len(prefix) :]
        return name

    for event in events:
        event.source = shared(event.source)
    for record in inputs:
        record.path = shared(record.path)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _load_bundle(bundle: Bundle, options: SourceOptions, loaded: Loaded) -> None:
    loaded.warnings.extend(bundle.notes)
    if not bundle.members:
        raise InputError("folder or archive holds no files", path=bundle.name)
    for adapter in BUNDLE_ADAPTERS:
        forced = options.source_format == adapter.name
        if forced or (options.source_format is None and adapter.sniff_bundle(bundle)):
            loaded.add(bundle.name, adapter.name, _bundle_digest(bundle), adapter.parse_bundle(bundle, options))
            # Files beside the export (a deploy CSV, a PagerDuty log) are sources of their own.
            for member in [] if forced else adapter.unclaimed(bundle):
                _load_document(bundle.open(member), options, loaded, strict=False)
            return
    before = len(loaded.inputs)
    claimed = _load_nested_bundles(bundle, options, loaded) if options.source_format is None else ()
    for member in bundle.members:
        if not member.startswith(claimed):
            _load_document(bundle.open(member), options, loaded, strict=False)
    if len(loaded.inputs) == before:
        raise InputError("no file in it is in a format we read (see `postmortem formats`)", path=bundle.name)


def _load_nested_bundles(bundle: Bundle, options: SourceOptions, loaded: Loaded) -> tuple[str, ...]:
    """Read top-level subfolders that are bundles of their own (slack-export/ beside pagerduty.json).

    Returns the ``folder/`` prefixes read, so their files are not read again one by one.
    """
    claimed: list[str] = []
    for top in sorted({member.split("/", 1)[0] + "/" for member in bundle.members if "/" in member}):
        sub = replace(bundle, _members=[m for m in bundle.members if m.startswith(top)])
        adapter = next((a for a in BUNDLE_ADAPTERS if a.sniff_bundle(sub)), None)
        if adapter is not None:
            name = f"{bundle.name}{':' if bundle.is_zip or bundle.is_tar else '/'}{top.rstrip('/')}"
            loaded.add(name, adapter.name, _bundle_digest(sub), adapter.parse_bundle(sub, options))
            claimed.append(top)
    return tuple(claimed)


# How zip, gzip, bzip2 and xz data starts; tar has its mark at offset 257.
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def _is_archive(data: bytes) -> bool:
    return data.startswith(_ARCHIVE_MAGIC) or data[257:262] == b"ustar"


def _load_document(doc: Document, options: SourceOptions, loaded: Loaded, *, strict: bool) -> None:
    if not strict and _is_archive(doc.data):
        # Opening archives inside archives would let each level multiply what the limits allow.
        loaded.warnings.append(
            f"{doc.name}: skipped, an archive inside a folder or archive is not opened (pass it as a path of its own)"
        )
        return
    adapter = _pick(doc, options)
    if adapter is None:
        if strict:
            if not doc.data.strip():
                # Also what a named pipe no process writes to reads as.
                raise InputError("empty: nothing to read", path=doc.name)
            _raise_if_malformed_json(doc)
            _ = doc.text  # a binary or non-UTF-8 file gets that error, which says more than "unknown format"
            raise InputError(_unread(doc), path=doc.name)
        # In a folder or archive, junk that looks like JSON is skipped like any other junk.
        try:
            _raise_if_malformed_json(doc)
        except InputError as exc:
            loaded.warnings.append(f"{doc.name}: skipped, {exc.message}")
            return
        loaded.warnings.append(f"{doc.name}: skipped, {_unread(doc)}")
        return
    if options.field_map is not None and adapter is not _RECORDS and _RECORDS.shaped(doc):
        # The user named fields for this file, most likely; say why they were not used.
        loaded.warnings.append(
            f"{doc.name}: read as {adapter.name}, so --map was not used (--source-format records applies it)"
        )
    loaded.add(doc.name, adapter.name, hashlib.sha256(doc.data).hexdigest(), adapter.parse(doc, options))
    if doc.decoding_note is not None:
        loaded.warnings.append(doc.decoding_note)


def _pick(doc: Document, options: SourceOptions) -> DocumentAdapter | None:
    if options.source_format is not None:
        for adapter in DOCUMENT_ADAPTERS:
            if adapter.name == options.source_format:
                return adapter
        raise UsageError(f"--source-format {options.source_format} reads folders or archives, not {doc.name}")
    for adapter in DOCUMENT_ADAPTERS:
        if adapter.sniff(doc):
            return adapter
    # With --map the user has named the fields, so any records file is theirs to read.
    if options.field_map is not None and _RECORDS.shaped(doc):
        return _RECORDS
    return None


def _unread(doc: Document) -> str:
    """Why no adapter took ``doc``: the formats it came closest to, what they lack, and the ways out."""
    candidates = nearest(doc, DOCUMENT_ADAPTERS)
    if not candidates:
        return f"not a format we read (known: {', '.join(adapter_names())}; force one with --source-format)"
    return (
        f"not a format we read; nearest: {', '.join(c.describe() for c in candidates)}. "
        "Force one with --source-format NAME, or name the fields of records with --map time=FIELD,text=FIELD"
    )


def _raise_if_malformed_json(doc: Document) -> None:
    """A file that starts like JSON but does not parse gets the parse error, not "unknown format"."""
    if not doc.looks_like_json():
        return
    try:
        _ = doc.json
    except InputError as exc:
        # JSON Lines fail a whole-file parse with "Extra data"; that is a format question, not damage.
        if "Extra data" not in exc.message:
            raise


def _bundle_digest(bundle: Bundle) -> str:
    digest = hashlib.sha256()
    for member in bundle.members:
        digest.update(member.encode())
        digest.update(hashlib.sha256(bundle.open(member).data).digest())
    return digest.hexdigest()
