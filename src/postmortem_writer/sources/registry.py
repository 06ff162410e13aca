"""The adapters we know, in sniffing order, and reading paths into events with them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.models import Event, InputFile
from postmortem_writer.sources.base import (
    Bundle,
    BundleAdapter,
    Document,
    DocumentAdapter,
    Parsed,
    SourceOptions,
    is_tar,
)
from postmortem_writer.sources.chat_text import ChatTextAdapter
from postmortem_writer.sources.deploys import DeployHistoryAdapter
from postmortem_writer.sources.discord import DiscordAdapter
from postmortem_writer.sources.mattermost import MattermostAdapter
from postmortem_writer.sources.pagerduty import PagerDutyLogEntriesAdapter
from postmortem_writer.sources.slack_api import SlackApiAdapter
from postmortem_writer.sources.slack_export import SlackDayFileAdapter, SlackExportAdapter
from postmortem_writer.sources.teams import TeamsAdapter
from postmortem_writer.sources.timestamped_log import TimestampedLogAdapter
from postmortem_writer.sources.zulip import ZulipApiAdapter, ZulipExportAdapter

# Past this many, one file's skips are summed up rather than listed: a thousand warnings hide the rest.
_SKIPS_SHOWN = 20

# Order matters: the most specific formats come first, catch-alls (plain text) last.
BUNDLE_ADAPTERS: tuple[BundleAdapter, ...] = (SlackExportAdapter(), ZulipExportAdapter())
DOCUMENT_ADAPTERS: tuple[DocumentAdapter, ...] = (
    SlackDayFileAdapter(),
    SlackApiAdapter(),
    PagerDutyLogEntriesAdapter(),
    DeployHistoryAdapter(),
    TeamsAdapter(),
    DiscordAdapter(),
    MattermostAdapter(),
    ZulipApiAdapter(),
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

    def add(self, path: str, fmt: str, sha256: str, parsed: Parsed) -> None:
        """Take one source's results, turning each skipped record into a warning."""
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
        shown = parsed.skipped[:_SKIPS_SHOWN]
        self.warnings.extend(f"skipped {error}" for error in shown)
        if len(parsed.skipped) > len(shown):
            self.warnings.append(f"{path}: skipped {len(parsed.skipped)} malformed records in all")


def load_sources(paths: list[Path], options: SourceOptions) -> Loaded:
    """Read every path (file, folder or zip) with the adapter its content calls for."""
    if options.source_format is not None and options.source_format not in adapter_names():
        raise UsageError(f"unknown source format {options.source_format!r}; known: {', '.join(adapter_names())}")
    loaded = Loaded()
    for path in paths:
        display = str(path)
        if not path.exists():
            raise InputError("no such file or folder", path=display)
        if path.is_dir() or _is_zip(path) or is_tar(path):
            _load_bundle(Bundle.from_path(path, display), options, loaded)
        else:
            _load_document(Document(display, path.read_bytes()), options, loaded, strict=True)
    return loaded


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _load_bundle(bundle: Bundle, options: SourceOptions, loaded: Loaded) -> None:
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


def _load_document(doc: Document, options: SourceOptions, loaded: Loaded, *, strict: bool) -> None:
    adapter = _pick(doc, options)
    if adapter is None:
        _raise_if_malformed_json(doc)
        if strict:
            _ = doc.text  # a binary or non-UTF-8 file gets that error, which says more than "unknown format"
            raise InputError(
                f"not a format we read (known: {', '.join(adapter_names())}; force one with --source-format)",
                path=doc.name,
            )
        loaded.warnings.append(f"{doc.name}: skipped, not a format we read")
        return
    loaded.add(doc.name, adapter.name, hashlib.sha256(doc.data).hexdigest(), adapter.parse(doc, options))


def _pick(doc: Document, options: SourceOptions) -> DocumentAdapter | None:
    if options.source_format is not None:
        for adapter in DOCUMENT_ADAPTERS:
            if adapter.name == options.source_format:
                return adapter
        raise UsageError(f"--source-format {options.source_format} reads folders or archives, not {doc.name}")
    for adapter in DOCUMENT_ADAPTERS:
        if adapter.sniff(doc):
            return adapter
    return None


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
